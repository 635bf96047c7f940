// The build id is read from the loaded object's program headers (PT_NOTE
// segments, as `readelf -n` shows them): dl_iterate_phdr walks the objects the
// dynamic linker mapped, and dlinfo tells which of them the handle is.
#include "plugin/identity.hpp"

#include <dlfcn.h>
#include <elf.h>
#include <link.h>

#include <cstring>

#include <fmt/format.h>

#include "plugin/plugin.hpp"

namespace velo::plugin {

namespace {

struct Search {
  ElfW(Addr) base = 0;
  std::string name;
  std::string build_id;
};

std::size_t align4(std::size_t n) { return (n + 3) & ~std::size_t{3}; }

int visit(dl_phdr_info* info, std::size_t, void* data) {
  auto* search = static_cast<Search*>(data);
  if (info->dlpi_addr != search->base || !info->dlpi_name || search->name != info->dlpi_name) return 0;
  for (int i = 0; i < info->dlpi_phnum; ++i) {
    const ElfW(Phdr)& header = info->dlpi_phdr[i];
    if (header.p_type != PT_NOTE) continue;
    const auto* at = reinterpret_cast<const unsigned char*>(info->dlpi_addr + header.p_vaddr);
    std::size_t left = header.p_memsz;
    while (left >= sizeof(ElfW(Nhdr))) {
      ElfW(Nhdr) note;
      std::memcpy(&note, at, sizeof note);
      const std::size_t size = sizeof note + align4(note.n_namesz) + align4(note.n_descsz);
      if (size > left) break;
      const auto* name = at + sizeof note;
      const auto* desc = name + align4(note.n_namesz);
      if (note.n_type == NT_GNU_BUILD_ID && note.n_namesz == 4 && std::memcmp(name, "GNU", 4) == 0) {
        for (std::size_t b = 0; b < note.n_descsz; ++b) search->build_id += fmt::format("{:02x}", desc[b]);
        return 1;
      }
      at += size;
      left -= size;
    }
  }
  return 1;
}

}  // namespace

std::string gnu_build_id(void* handle) {
  link_map* map = nullptr;
  if (::dlinfo(handle, RTLD_DI_LINKMAP, &map) != 0 || !map) return "";
  Search search;
  search.base = map->l_addr;
  search.name = map->l_name ? map->l_name : "";
  ::dl_iterate_phdr(visit, &search);
  return search.build_id;
}

nlohmann::json Identity::to_json() const {
  nlohmann::json json = {{"path", path}, {"name", name}, {"version", version}, {"file_hash", file_hash}};
  if (!build_id.empty()) json["build_id"] = build_id;
  return json;
}

}  // namespace velo::plugin
