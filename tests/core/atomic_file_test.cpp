#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>

#include "core/atomic_file.hpp"

TEST_CASE("atomic write replaces the file and leaves no temporary", "[atomic_file]") {
  namespace fs = std::filesystem;
  const fs::path dir = fs::temp_directory_path() / "velo-atomic-test";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string path = (dir / "report.json").string();
  REQUIRE(velo::write_file_atomically(path, "first").ok());
  REQUIRE(velo::write_file_atomically(path, "second").ok());
  CHECK(*velo::read_text_file(path) == "second");
  CHECK(std::distance(fs::directory_iterator(dir), fs::directory_iterator()) == 1);
  fs::remove_all(dir);
}

TEST_CASE("atomic write into a missing directory is an error naming the file", "[atomic_file]") {
  const velo::Status status = velo::write_file_atomically("/nonexistent-dir/x.json", "x");
  REQUIRE_FALSE(status.ok());
  CHECK(status.error().where.file == "/nonexistent-dir/x.json");
  CHECK_FALSE(velo::read_text_file("/nonexistent-dir/x.json").ok());
}
