#include <catch2/catch.hpp>

#include "core/params.hpp"

using velo::ParamSpec;
using velo::ParamType;
using velo::ParamValue;

TEST_CASE("parse_bytes understands binary and decimal suffixes", "[params]") {
  CHECK(velo::parse_bytes("0") == 0);
  CHECK(velo::parse_bytes("4096") == 4096);
  CHECK(velo::parse_bytes("4KiB") == 4096);
  CHECK(velo::parse_bytes("4K") == 4096);
  CHECK(velo::parse_bytes("64MiB") == 64LL << 20);
  CHECK(velo::parse_bytes("1GB") == 1000000000LL);
  CHECK(velo::parse_bytes("1 GiB") == 1LL << 30);
  CHECK_FALSE(velo::parse_bytes("4kb").has_value());
  CHECK_FALSE(velo::parse_bytes("-1").has_value());
  CHECK_FALSE(velo::parse_bytes("KiB").has_value());
  CHECK_FALSE(velo::parse_bytes("99999999999TiB").has_value());
}

TEST_CASE("format_param is canonical", "[params]") {
  CHECK(velo::format_param(ParamValue{std::int64_t{4096}}, ParamType::bytes) == "4KiB");
  CHECK(velo::format_param(ParamValue{std::int64_t{4097}}, ParamType::bytes) == "4097");
  CHECK(velo::format_param(ParamValue{std::int64_t{64} << 20}, ParamType::bytes) == "64MiB");
  CHECK(velo::format_param(ParamValue{std::int64_t{0}}, ParamType::bytes) == "0");
  CHECK(velo::format_param(ParamValue{std::int64_t{4096}}) == "4096");
  CHECK(velo::format_param(ParamValue{0.5}) == "0.5");
  CHECK(velo::format_param(ParamValue{true}) == "true");
  CHECK(velo::format_param(ParamValue{std::string("zipf")}) == "zipf");
}

TEST_CASE("coerce_param checks types and ranges with clear messages", "[params]") {
  ParamSpec threads{.name = "threads", .type = ParamType::integer, .min = 1, .max = 64};
  CHECK(std::get<std::int64_t>(*velo::coerce_param(threads, std::int64_t{2})) == 2);
  auto zero = velo::coerce_param(threads, std::int64_t{0});
  REQUIRE_FALSE(zero.ok());
  CHECK(zero.error().message == "parameter 'threads' must be an integer between 1 and 64, got 0");
  auto text = velo::coerce_param(threads, std::string("two"));
  REQUIRE_FALSE(text.ok());
  CHECK(text.error().message == "parameter 'threads' expects an integer, got \"two\"");

  ParamSpec size{.name = "object_bytes", .type = ParamType::bytes, .min = 64};
  CHECK(std::get<std::int64_t>(*velo::coerce_param(size, std::string("4KiB"))) == 4096);
  CHECK_FALSE(velo::coerce_param(size, std::int64_t{8}).ok());
  CHECK_FALSE(velo::coerce_param(size, std::string("lots")).ok());

  ParamSpec fraction{.name = "cross_thread", .type = ParamType::number, .min = 0, .max = 1};
  CHECK(std::get<double>(*velo::coerce_param(fraction, std::int64_t{1})) == 1.0);
  CHECK_FALSE(velo::coerce_param(fraction, 1.5).ok());

  ParamSpec dist{.name = "distribution", .type = ParamType::choice, .choices = {"uniform", "zipf"}};
  CHECK(std::get<std::string>(*velo::coerce_param(dist, std::string("zipf"))) == "zipf");
  auto bad = velo::coerce_param(dist, std::string("normal"));
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message == "parameter 'distribution' expects one of uniform|zipf, got \"normal\"");
}

TEST_CASE("Params reads typed values", "[params]") {
  velo::Params p;
  p.set("threads", std::int64_t{4});
  p.set("theta", 0.99);
  p.set("prealloc", true);
  p.set("mode", std::string("cpu"));
  CHECK(p.integer("threads") == 4);
  CHECK(p.number("threads") == 4.0);
  CHECK(p.number("theta") == 0.99);
  CHECK(p.boolean("prealloc"));
  CHECK(p.text("mode") == "cpu");
  CHECK(p.has("threads"));
  CHECK_FALSE(p.has("nope"));
}
