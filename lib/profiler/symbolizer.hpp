// Turns code addresses of this process into source frames, after a run and far
// from any signal handler. Uses elfutils' libdwfl: ELF symbol tables give the
// names of every function including static ones; DWARF scopes
// (dwarf_getscopes) expand a pc into the chain of functions inlined at it, with
// the call sites' file:line. Names are demangled with abi::__cxa_demangle and
// shortened by function_name().
//
// A return address points after its call instruction, which may already belong
// to the next line or even the next function; callers are therefore looked up
// at pc - 1 (`is_return_address`). A pc nothing knows becomes
// "module+0xOFFSET" or "[unknown]", never dropped.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/result.hpp"

namespace velo::profiler {

struct SourceFrame {
  std::string function;
  std::string file;   // empty when unknown
  int line = 0;       // 0 when unknown
  bool inlined = false;
};

class Symbolizer {
 public:
  // Reads this process's current memory map (/proc/self/maps).
  static Expected<std::unique_ptr<Symbolizer>> for_this_process();
  ~Symbolizer();
  Symbolizer(const Symbolizer&) = delete;
  Symbolizer& operator=(const Symbolizer&) = delete;

  // Frames at `pc`, innermost (inlined) first, the containing function last.
  // Results are cached per address.
  const std::vector<SourceFrame>& frames_at(std::uintptr_t pc, bool is_return_address);

  struct Impl;

 private:
  explicit Symbolizer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// abi::__cxa_demangle, or `name` unchanged when it is not a mangled C++ name.
std::string demangle(const char* name);
// The name a profile shows for a symbol: demangled, qualified, without the
// parameter list, member qualifiers or GCC's " [clone .xxx]" suffix, so a
// function has one name whether it was found through DWARF or the symbol table
// ("ns::Class<int>::run", "(anonymous namespace)::burn", "operator()").
std::string function_name(const char* symbol);

}  // namespace velo::profiler
