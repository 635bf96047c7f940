// A shared object without velo_plugin_entry: not a plugin.
extern "C" int velo_plugin_entry_typo(void) { return 1; }
