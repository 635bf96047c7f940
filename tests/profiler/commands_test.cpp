// `velo flame` and `velo export` driven through CLI11 as main.cpp drives them:
// outputs land in files, malformed input exits 2 with file:line, the format
// table rejects unknown names and inputs of the wrong kind.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "cli/commands.hpp"
#include "core/atomic_file.hpp"

namespace {

std::string data_path(const std::string& name) { return std::string(VELO_TEST_DATA) + "/" + name; }

int run_velo(std::vector<std::string> args) {
  CLI::App app{"velo", "velo"};
  app.require_subcommand(1);
  velo::cli::Context context;
  velo::cli::add_flame_command(app, context);
  velo::cli::add_export_command(app, context);
  std::vector<const char*> argv = {"velo"};
  for (const auto& arg : args) argv.push_back(arg.c_str());
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError&) {
    return velo::cli::exit_code::bad_input;
  }
  return context.exit_code;
}

struct TempDir {
  std::filesystem::path path = std::filesystem::temp_directory_path() /
                               ("velo-profiler-cli-" + std::to_string(::getpid()));
  TempDir() { std::filesystem::create_directories(path); }
  ~TempDir() { std::filesystem::remove_all(path); }
  std::string file(const std::string& name) const { return (path / name).string(); }
};

}  // namespace

TEST_CASE("velo flame writes an SVG; --diff a differential one", "[cli][flame]") {
  TempDir dir;
  CHECK(run_velo({"flame", data_path("canonical.folded"), "-o", dir.file("out.svg"), "--title", "T",
                  "--width", "800", "--icicle"}) == 0);
  auto svg = velo::read_text_file(dir.file("out.svg"));
  REQUIRE(svg.ok());
  CHECK(svg->find("data-icicle=\"1\"") != std::string::npos);
  CHECK(svg->find("width=\"800\"") != std::string::npos);

  CHECK(run_velo({"flame", "--diff", data_path("before.folded"), data_path("after.folded"), "-o",
                  dir.file("diff.svg")}) == 0);
  auto diff = velo::read_text_file(dir.file("diff.svg"));
  REQUIRE(diff.ok());
  CHECK(diff->find("data-delta=") != std::string::npos);
}

TEST_CASE("velo flame rejects bad input with exit 2", "[cli][flame]") {
  TempDir dir;
  CHECK(run_velo({"flame", data_path("bad_fraction.folded"), "-o", dir.file("x.svg")}) == 2);
  CHECK_FALSE(std::filesystem::exists(dir.file("x.svg")));
  CHECK(run_velo({"flame", data_path("missing.folded"), "-o", dir.file("x.svg")}) == 2);
  CHECK(run_velo({"flame", "-o", dir.file("x.svg")}) == 2);  // neither FOLDED nor --diff
  CHECK(run_velo({"flame", data_path("canonical.folded"), "--width", "10"}) == 2);
}

TEST_CASE("velo export converts folded stacks to speedscope and pprof", "[cli][export]") {
  TempDir dir;
  CHECK(run_velo({"export", data_path("threads.folded"), "--to", "speedscope", "-o", dir.file("p.json")}) == 0);
  auto json = velo::read_text_file(dir.file("p.json"));
  REQUIRE(json.ok());
  CHECK(json->find("\"$schema\"") != std::string::npos);

  CHECK(run_velo({"export", data_path("threads.folded"), "--to", "pprof", "--hz", "999", "-o",
                  dir.file("p.pb.gz")}) == 0);
  auto pprof = velo::read_text_file(dir.file("p.pb.gz"));
  REQUIRE(pprof.ok());
  REQUIRE(pprof->size() > 2);
  CHECK(static_cast<unsigned char>((*pprof)[0]) == 0x1f);
}

TEST_CASE("velo export: unknown formats and inputs of the wrong kind exit 2", "[cli][export]") {
  TempDir dir;
  CHECK(run_velo({"export", data_path("threads.folded"), "--to", "speedscop"}) == 2);
  CHECK(run_velo({"export", data_path("bad_empty_frame.folded"), "--to", "speedscope"}) == 2);
  REQUIRE(velo::write_file_atomically(dir.file("report.json"), R"({"schema_version": 1, "cases": []})").ok());
  CHECK(run_velo({"export", dir.file("report.json"), "--to", "speedscope"}) == 2);
}
