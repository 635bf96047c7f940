#include <fmt/format.h>

#include "core/build_info.hpp"

int main() {
  fmt::print("velo {}\n", velo::build::version());
  return 0;
}
