// Symbol names as profiles show them, and lookups of this process's own code.
#include <catch2/catch.hpp>

#include "profiler/profiler.hpp"
#include "profiler/symbolizer.hpp"

using velo::profiler::function_name;

namespace {
[[gnu::noinline]] int local_function_for_lookup(int x) { return x * 3 + 1; }
}  // namespace

TEST_CASE("function names are demangled and shortened to one form", "[symbolizer]") {
  CHECK(function_name("_ZN4velo8profiler7Session5startEv") == "velo::profiler::Session::start");
  CHECK(function_name("_ZN12_GLOBAL__N_110burn_heavyEm.constprop.0") == "(anonymous namespace)::burn_heavy");
  CHECK(function_name("_ZNKSt8functionIFviEEclEi") == "std::function<void (int)>::operator()");
  CHECK(function_name("_ZN12_GLOBAL__N_11fEv") == "(anonymous namespace)::f");
  CHECK(function_name("memcpy") == "memcpy");
  CHECK(function_name("_Znot_mangled") == "_Znot_mangled");
}

TEST_CASE("addresses of this process resolve to their functions", "[symbolizer]") {
  if (!velo::profiler::available()) return;
  auto symbolizer = velo::profiler::Symbolizer::for_this_process();
  REQUIRE(symbolizer.ok());
  const auto pc = reinterpret_cast<std::uintptr_t>(&local_function_for_lookup);
  const auto& frames = (*symbolizer)->frames_at(pc + 1, /*is_return_address=*/false);
  REQUIRE(!frames.empty());
  CHECK(frames.back().function == "(anonymous namespace)::local_function_for_lookup");
  CHECK(frames.back().file.ends_with("symbolizer_test.cpp"));
  CHECK(frames.back().line > 0);
  CHECK(local_function_for_lookup(1) == 4);

  // An address no module maps is kept, as "[unknown]".
  const auto& unknown = (*symbolizer)->frames_at(0x10, false);
  REQUIRE(unknown.size() == 1);
  CHECK(unknown[0].function == "[unknown]");
}
