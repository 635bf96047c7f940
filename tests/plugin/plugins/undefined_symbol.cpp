// Needs a function nothing defines: dlopen (RTLD_NOW) fails, and velo says why.
extern "C" int velo_test_function_nobody_defines(void);
extern "C" int velo_plugin_entry(void) { return velo_test_function_nobody_defines(); }
