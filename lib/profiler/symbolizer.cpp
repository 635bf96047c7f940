#include "profiler/symbolizer.hpp"

#include <cxxabi.h>

#include <cstdlib>
#include <filesystem>

#include <fmt/format.h>

#include "profiler/profiler_config.hpp"

#if VELO_HAVE_PROFILER
#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <unistd.h>
#endif

namespace velo::profiler {

std::string function_name(const char* symbol) {
  std::string name = demangle(symbol);
  // GCC's specialised copies: "f(int) [clone .constprop.0]".
  for (auto clone = name.find(" [clone "); clone != std::string::npos; clone = name.find(" [clone ")) {
    name.erase(clone, name.find(']', clone) + 1 - clone);
  }
  // Trailing qualifiers of member functions, then the parameter list.
  for (std::string_view suffix : {" const", " volatile", " &&", " &"}) {
    if (name.ends_with(suffix)) name.resize(name.size() - suffix.size());
  }
  if (!name.ends_with(')')) return name;
  int depth = 0;
  for (std::size_t i = name.size(); i-- > 0;) {
    if (name[i] == ')') ++depth;
    if (name[i] == '(' && --depth == 0) {
      if (i > 0) name.resize(i);  // keep "(anonymous namespace)" alone
      break;
    }
  }
  return name;
}

std::string demangle(const char* name) {
  if (name == nullptr) return {};
  if (name[0] != '_' || name[1] != 'Z') return name;
  int status = 0;
  char* out = abi::__cxa_demangle(name, nullptr, nullptr, &status);
  if (status != 0 || out == nullptr) return name;
  std::string result(out);
  std::free(out);
  return result;
}

#if VELO_HAVE_PROFILER

namespace {

const Dwfl_Callbacks kProcessCallbacks = {
    .find_elf = dwfl_linux_proc_find_elf,
    .find_debuginfo = dwfl_standard_find_debuginfo,
    .section_address = nullptr,
    .debuginfo_path = nullptr,
};

// "ns::Class::" for a DIE, from the scopes that enclose its declaration.
std::string scope_prefix(Dwarf_Die* die) {
  Dwarf_Die declaration = *die;
  Dwarf_Attribute attribute;
  for (int hops = 0; hops < 4; ++hops) {  // definition -> abstract origin -> declaration
    Dwarf_Die next;
    if ((dwarf_attr(&declaration, DW_AT_abstract_origin, &attribute) != nullptr ||
         dwarf_attr(&declaration, DW_AT_specification, &attribute) != nullptr) &&
        dwarf_formref_die(&attribute, &next) != nullptr) {
      declaration = next;
    } else {
      break;
    }
  }
  Dwarf_Die* chain = nullptr;
  const int count = dwarf_getscopes_die(&declaration, &chain);
  std::string prefix;
  for (int i = count - 1; i >= 1; --i) {
    const int tag = dwarf_tag(&chain[i]);
    if (tag != DW_TAG_namespace && tag != DW_TAG_class_type && tag != DW_TAG_structure_type &&
        tag != DW_TAG_union_type) {
      continue;
    }
    const char* name = dwarf_diename(&chain[i]);
    prefix += name ? name : "(anonymous namespace)";
    prefix += "::";
  }
  std::free(chain);
  return prefix;
}

// The qualified name of a DWARF subprogram or inlined subroutine: demangled from
// its linkage name when it has one, else built from its enclosing scopes (GCC
// gives internal-linkage functions no linkage name).
std::string die_name(Dwarf_Die* die) {
  Dwarf_Attribute attribute;
  for (int name_attribute : {DW_AT_linkage_name, DW_AT_MIPS_linkage_name}) {
    if (dwarf_attr_integrate(die, name_attribute, &attribute) != nullptr) {
      if (const char* linkage = dwarf_formstring(&attribute)) return function_name(linkage);
    }
  }
  if (const char* name = dwarf_diename(die)) return scope_prefix(die) + name;
  return {};
}

std::string call_file(Dwarf_Die* cu, Dwarf_Die* inlined) {
  Dwarf_Attribute attribute;
  Dwarf_Word index = 0;
  if (dwarf_attr(inlined, DW_AT_call_file, &attribute) == nullptr ||
      dwarf_formudata(&attribute, &index) != 0) {
    return {};
  }
  Dwarf_Files* files = nullptr;
  std::size_t count = 0;
  if (dwarf_getsrcfiles(cu, &files, &count) != 0 || index >= count) return {};
  const char* name = dwarf_filesrc(files, index, nullptr, nullptr);
  return name ? name : "";
}

int call_line(Dwarf_Die* inlined) {
  Dwarf_Attribute attribute;
  Dwarf_Word line = 0;
  if (dwarf_attr(inlined, DW_AT_call_line, &attribute) == nullptr ||
      dwarf_formudata(&attribute, &line) != 0) {
    return 0;
  }
  return static_cast<int>(line);
}

}  // namespace

struct Symbolizer::Impl {
  Dwfl* dwfl = nullptr;
  std::unordered_map<std::uintptr_t, std::vector<SourceFrame>> cache;

  ~Impl() {
    if (dwfl != nullptr) dwfl_end(dwfl);
  }

  std::vector<SourceFrame> resolve(Dwarf_Addr pc) {
    std::vector<SourceFrame> frames;
    Dwfl_Module* module = dwfl_addrmodule(dwfl, pc);
    if (module == nullptr) {
      frames.push_back({.function = "[unknown]"});
      return frames;
    }

    // The line of the innermost frame; outer inlined frames take their call site.
    std::string file;
    int line = 0;
    if (Dwfl_Line* source = dwfl_module_getsrc(module, pc)) {
      int column = 0;
      if (const char* name = dwfl_lineinfo(source, nullptr, &line, &column, nullptr, nullptr)) {
        file = name;
      }
    }

    Dwarf_Addr bias = 0;
    if (Dwarf_Die* cu = dwfl_module_addrdie(module, pc, &bias)) {
      Dwarf_Die* scopes = nullptr;
      const int count = dwarf_getscopes(cu, pc - bias, &scopes);
      for (int i = 0; i < count; ++i) {
        const int tag = dwarf_tag(&scopes[i]);
        if (tag != DW_TAG_inlined_subroutine && tag != DW_TAG_subprogram) continue;
        const bool inlined = tag == DW_TAG_inlined_subroutine;
        frames.push_back({.function = die_name(&scopes[i]), .file = file, .line = line, .inlined = inlined});
        if (!inlined) break;
        file = call_file(cu, &scopes[i]);
        line = call_line(&scopes[i]);
      }
      std::free(scopes);
    }

    // The ELF symbol is authoritative for the outermost function (DWARF may be
    // missing, e.g. libc without debug symbols, or nameless).
    GElf_Sym symbol;
    GElf_Off offset = 0;
    const char* symbol_name =
        dwfl_module_addrinfo(module, pc, &offset, &symbol, nullptr, nullptr, nullptr);
    if (frames.empty() || frames.back().inlined) {
      SourceFrame outer{.file = file, .line = line};
      if (symbol_name != nullptr) outer.function = function_name(symbol_name);
      frames.push_back(std::move(outer));
    } else if (frames.back().function.empty() && symbol_name != nullptr) {
      frames.back().function = function_name(symbol_name);
    }

    for (auto& frame : frames) {
      if (!frame.function.empty()) continue;
      Dwarf_Addr start = 0;
      const char* module_name = dwfl_module_info(module, nullptr, &start, nullptr, nullptr, nullptr,
                                                 nullptr, nullptr);
      const std::string base =
          module_name ? std::filesystem::path(module_name).filename().string() : "[unknown]";
      frame.function = fmt::format("{}+{:#x}", base, pc - start);
    }
    return frames;
  }
};

Expected<std::unique_ptr<Symbolizer>> Symbolizer::for_this_process() {
  auto impl = std::make_unique<Impl>();
  impl->dwfl = dwfl_begin(&kProcessCallbacks);
  if (impl->dwfl == nullptr) {
    return make_error(fmt::format("cannot start libdwfl: {}", dwfl_errmsg(-1)));
  }
  dwfl_report_begin(impl->dwfl);
  const int failed = dwfl_linux_proc_report(impl->dwfl, getpid());
  dwfl_report_end(impl->dwfl, nullptr, nullptr);
  if (failed != 0) {
    return make_error(fmt::format("cannot read this process's memory map: {}", dwfl_errmsg(-1)));
  }
  return std::unique_ptr<Symbolizer>(new Symbolizer(std::move(impl)));
}

const std::vector<SourceFrame>& Symbolizer::frames_at(std::uintptr_t pc, bool is_return_address) {
  const std::uintptr_t lookup = is_return_address && pc > 0 ? pc - 1 : pc;
  auto [it, inserted] = impl_->cache.try_emplace(lookup);
  if (inserted) it->second = impl_->resolve(lookup);
  return it->second;
}

#else  // !VELO_HAVE_PROFILER

struct Symbolizer::Impl {};

Expected<std::unique_ptr<Symbolizer>> Symbolizer::for_this_process() {
  return make_error("profiler unavailable: built without libunwind");
}

const std::vector<SourceFrame>& Symbolizer::frames_at(std::uintptr_t, bool) {
  static const std::vector<SourceFrame> unknown{{.function = "[unknown]"}};
  return unknown;
}

#endif

Symbolizer::Symbolizer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Symbolizer::~Symbolizer() = default;

}  // namespace velo::profiler
