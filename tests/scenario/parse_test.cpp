// Every way a scenario file can be wrong is reported with its exact message and the
// line and column to fix; valid files come out as the plain structs the runner reads.
#include <catch2/catch.hpp>

#include "fake_family.hpp"

using velo::Error;
using velo::ParamValue;
using velo::testing::parse_fails;
using velo::testing::parse_ok;

namespace {

void check_error(const Error& error, const std::string& message, int line, int column) {
  CHECK(error.message == message);
  CHECK(error.where.file == "test.toml");
  CHECK(error.where.line == line);
  CHECK(error.where.column == column);
}

// A valid head for scenarios whose tests are about what follows it (lines 1-3).
constexpr std::string_view counters_head = R"([scenario]
name = "s"
family = "counters"
)";

std::string counters(std::string_view rest) { return std::string(counters_head) + std::string(rest); }

}  // namespace

TEST_CASE("a complete file is read into a Scenario", "[scenario][parse]") {
  const std::string text = R"(# comment
[scenario]
name = "counters"
family = "counters"
description = "a study"

[run]
repetitions = 7
min_time = "50ms"
warmup = "0s"
timeout = "2m"

[params]
threads = [1, 2]
increments = 100

[[variant]]
name = "atomic"
impl = "atomic_fetch_add"

[[variant]]
name = "padded"
impl = "sharded_padded"
baseline = true
params = { pad_bytes = [64, "128B"] }

[profile]
enabled = true
mode = "wall"
hz = 499
thread_root = true

[gate]
metrics = ["ns_per_op"]
max_regression = "5%"
[[gate.case]]
pattern = "^counters/atomic/"
max_regression = "10%"
)";
  const velo::Scenario s = parse_ok(text);
  CHECK(s.path == "test.toml");
  CHECK(s.content == text);
  CHECK(s.name == "counters");
  CHECK(s.family == "counters");
  CHECK(s.description == "a study");
  CHECK(s.repetitions == 7);
  CHECK_FALSE(s.forks);
  CHECK(s.min_time_s == Approx(0.05));
  CHECK(s.warmup_s == 0.0);
  CHECK(s.timeout_s == Approx(120.0));
  REQUIRE(s.params.size() == 2);
  CHECK(s.params[0].first == "threads");
  CHECK(s.params[0].second == std::vector<ParamValue>{std::int64_t{1}, std::int64_t{2}});
  CHECK(s.params[1].first == "increments");
  CHECK(s.params[1].second == std::vector<ParamValue>{std::int64_t{100}});
  REQUIRE(s.variants.size() == 2);
  CHECK(s.variants[0].name == "atomic");
  CHECK(s.variants[0].impl == "atomic_fetch_add");
  CHECK_FALSE(s.variants[0].baseline);
  CHECK(s.variants[0].where.line == 17);
  CHECK(s.variants[1].baseline);
  REQUIRE(s.variants[1].params.size() == 1);
  CHECK(s.variants[1].params[0].first == "pad_bytes");
  CHECK(s.variants[1].params[0].second == std::vector<ParamValue>{std::int64_t{64}, std::string("128B")});
  REQUIRE(s.profile.has_value());
  CHECK(s.profile->enabled);
  CHECK(s.profile->mode == "wall");
  CHECK(s.profile->hz == 499);
  CHECK(s.profile->thread_root);
  CHECK(s.gate == nlohmann::json::parse(
                      R"({"metrics": ["ns_per_op"], "max_regression": "5%",
                          "case": [{"pattern": "^counters/atomic/", "max_regression": "10%"}]})"));
}

TEST_CASE("optional tables stay unset and the first variant is the baseline", "[scenario][parse]") {
  const velo::Scenario s = parse_ok(counters(R"(
[[variant]]
name = "a"
impl = "mutex"

[[variant]]
name = "b"
impl = "spinlock"
)"));
  CHECK(s.description.empty());
  CHECK_FALSE(s.repetitions);
  CHECK_FALSE(s.min_time_s);
  CHECK_FALSE(s.warmup_s);
  CHECK_FALSE(s.timeout_s);
  CHECK(s.params.empty());
  CHECK_FALSE(s.profile);
  CHECK(s.gate.is_null());
  CHECK(s.variants[0].baseline);
  CHECK_FALSE(s.variants[1].baseline);
}

TEST_CASE("an empty [profile] table takes the defaults", "[scenario][parse]") {
  const velo::Scenario s = parse_ok(counters(R"(
[profile]

[[variant]]
name = "a"
impl = "mutex"
)"));
  REQUIRE(s.profile);
  CHECK_FALSE(s.profile->enabled);
  CHECK(s.profile->mode == "cpu");
  CHECK(s.profile->hz == 99);
  CHECK_FALSE(s.profile->thread_root);
}

TEST_CASE("TOML syntax errors carry toml++'s position", "[scenario][parse][errors]") {
  const Error e = parse_fails("[scenario]\nname = \"s\nfamily = \"counters\"\n");
  CHECK(e.message.rfind("invalid TOML: ", 0) == 0);
  CHECK(e.where.file == "test.toml");
  CHECK(e.where.line == 2);
  CHECK(e.where.column > 0);
  CHECK(e.describe().rfind("test.toml:2:", 0) == 0);
}

TEST_CASE("unknown keys get a did-you-mean or the list of keys", "[scenario][parse][errors]") {
  check_error(parse_fails(counters("[runn]\nrepetitions = 1\n")),
              "unknown key 'runn' in the scenario file; did you mean 'run'?", 4, 2);
  check_error(parse_fails(counters("[run]\nrepetiton = 1\n")),
              "unknown key 'repetiton' in [run]; did you mean 'repetitions'?", 5, 1);
  check_error(parse_fails(counters("colour = 1\n")),
              "unknown key 'colour' in [scenario]; expected one of: name, family, description, plugins", 4, 1);
  check_error(parse_fails(counters("[[variant]]\nname = \"a\"\nimp = \"mutex\"\n")),
              "unknown key 'imp' in [[variant]]; did you mean 'impl'?", 6, 1);
  check_error(parse_fails(counters("[profile]\nrate = 9\n[[variant]]\nname = \"a\"\nimpl = \"mutex\"\n")),
              "unknown key 'rate' in [profile]; expected one of: enabled, mode, hz, thread_root", 5, 1);
}

TEST_CASE("wrong types say what was expected", "[scenario][parse][errors]") {
  check_error(parse_fails("[scenario]\nname = 3\nfamily = \"counters\"\n"),
              "'name' in [scenario] must be a string, got integer", 2, 8);
  check_error(parse_fails(counters("[run]\nrepetitions = \"5\"\n")),
              "'repetitions' in [run] must be an integer, got string", 5, 15);
  check_error(parse_fails("run = 5\n" + counters("")), "'run' must be a table written [run], got integer", 1, 7);
  check_error(parse_fails("scenario = \"x\"\n"), "'scenario' must be a table written [scenario], got string", 1,
              12);
  check_error(parse_fails(counters("[[variant]]\nname = \"a\"\nimpl = \"mutex\"\nbaseline = 1\n")),
              "'baseline' in [[variant]] must be true or false, got integer", 7, 12);
  check_error(parse_fails(counters("[[variant]]\nname = \"a\"\nimpl = \"mutex\"\nparams = 4\n")),
              "'params' in [[variant]] must be a table such as { pad_bytes = 128 }, got integer", 7, 10);
  check_error(parse_fails(counters("[variant]\nname = \"a\"\nimpl = \"mutex\"\n")),
              "'variant' must be an array of tables written [[variant]], got table", 4, 1);
  check_error(parse_fails(counters("[params]\nthreads = { a = 1 }\n")),
              "parameter 'threads' in [params] must be a value (integer, float, boolean or string) or a list of "
              "values, got table",
              5, 11);
  check_error(parse_fails(counters("[params]\nthreads = [1, [2]]\n")),
              "parameter 'threads' in [params] must be a value (integer, float, boolean or string) or a list of "
              "values, got array",
              5, 15);
  check_error(parse_fails("gate = 1\n" + counters("")), "'gate' must be a table written [gate], got integer", 1, 8);
  check_error(parse_fails(counters("[profile]\nhz = \"fast\"\n")),
              "'hz' in [profile] must be an integer, got string", 5, 6);
}

TEST_CASE("a parameter value is checked against its ParamSpec at the value", "[scenario][parse][errors]") {
  const std::string variant = "\n[[variant]]\nname = \"a\"\nimpl = \"mutex\"\n";
  check_error(parse_fails(counters("[params]\nthreads = [1, 0]\n" + variant)),
              "parameter 'threads' must be an integer between 1 and 1024, got 0", 5, 15);
  check_error(parse_fails(counters("[params]\nthreads = 1.5\n" + variant)),
              "parameter 'threads' expects an integer, got 1.5", 5, 11);
  check_error(parse_fails(counters("[params]\nthreads = []\n" + variant)),
              "parameter 'threads' in [params] is an empty list; give at least one value", 5, 11);
  check_error(parse_fails(counters("[params]\nthreads = [2, 1, 2]\n" + variant)),
              "parameter 'threads' lists the value 2 twice", 5, 18);
  // Sizes: negative, zero below the minimum, and two spellings of one size.
  const std::string fake = "[scenario]\nname = \"f\"\nfamily = \"fake\"\n[params]\n";
  const std::string plain = "\n[[variant]]\nname = \"p\"\nimpl = \"plain\"\n";
  check_error(parse_fails(fake + "size = -4\n" + plain), "parameter 'size' expects a non-negative size in bytes, got -4",
              5, 8);
  check_error(parse_fails(fake + "size = 0\n" + plain), "parameter 'size' must be a size of at least 1, got 0", 5, 8);
  check_error(parse_fails(fake + "size = \"4 parsecs\"\n" + plain),
              "parameter 'size' expects a size in bytes such as 4096 or \"4KiB\", got \"4 parsecs\"", 5, 8);
  check_error(parse_fails(fake + "size = [1024, \"1KiB\"]\n" + plain), "parameter 'size' lists the value 1KiB twice",
              5, 15);
  check_error(parse_fails(fake + "mode = \"c\"\n" + plain), "parameter 'mode' expects one of a|b, got \"c\"", 5, 8);
  // A variant's own values are checked where they are written.
  check_error(parse_fails(counters("[[variant]]\nname = \"p\"\nimpl = \"sharded_padded\"\n"
                                   "params = { pad_bytes = [64, 4] }\n")),
              "parameter 'pad_bytes' must be a size between 8 and 4096, got 4", 7, 29);
  check_error(parse_fails(counters("[[variant]]\nname = \"p\"\nimpl = \"sharded_padded\"\n"
                                   "params = { pad_bytes = [] }\n")),
              "parameter 'pad_bytes' in the params of variant 'p' is an empty list; give at least one value", 7, 24);
}

TEST_CASE("durations need a unit and repetitions must be positive", "[scenario][parse][errors]") {
  check_error(parse_fails(counters("[run]\nmin_time = 100\n")),
              "'min_time' in [run] must be a duration string with a unit such as \"100ms\" or \"0.5s\", got the "
              "bare number 100",
              5, 12);
  check_error(parse_fails(counters("[run]\nwarmup = \"100\"\n")),
              "'warmup' in [run] must be a duration such as \"100ms\", \"0.5s\" or \"2m\" (units ns, us, ms, s, m), "
              "got \"100\"",
              5, 10);
  check_error(parse_fails(counters("[run]\ntimeout = \"0s\"\n")), "'timeout' in [run] must be greater than zero", 5,
              11);
  check_error(parse_fails(counters("[run]\nmin_time = true\n")),
              "'min_time' in [run] must be a duration string such as \"100ms\" or \"0.5s\", got boolean", 5, 12);
  check_error(parse_fails(counters("[run]\nrepetitions = 0\n")), "'repetitions' in [run] must be between 1 and 100000, got 0",
              5, 15);
  CHECK(parse_ok(counters("[run]\nforks = 3\n[[variant]]\nname = \"a\"\nimpl = \"mutex\"\n")).forks == 3);
  check_error(parse_fails(counters("[run]\nforks = -2\n")), "'forks' in [run] must be between 1 and 100000, got -2", 5, 9);
}

TEST_CASE("[scenario] needs a name and a known family", "[scenario][parse][errors]") {
  check_error(parse_fails("[run]\nrepetitions = 1\n"),
              "missing [scenario] table: every scenario file needs [scenario] with a name and a family", 1, 1);
  check_error(parse_fails("[scenario]\nfamily = \"counters\"\n"),
              "[scenario] needs a non-empty 'name' (a string): it names the scenario in reports and must be unique "
              "among the files of a run",
              1, 1);
  check_error(parse_fails("\n[scenario]\nname = \"x\"\n"),
              "[scenario] needs a 'family' (a string): the workload family to measure", 2, 1);
  check_error(parse_fails("[scenario]\nname = \"x\"\nfamily = \"countrs\"\n"),
              "unknown family 'countrs'; did you mean 'counters'? Known families: counters, fake", 3, 10);
  check_error(parse_fails("[scenario]\nname = \"x\"\nfamily = \"queues\"\n"),
              "unknown family 'queues'; known families: counters, fake", 3, 10);
}

TEST_CASE("variants need a unique name, a known impl and at most one baseline", "[scenario][parse][errors]") {
  check_error(parse_fails(counters("")),
              "the scenario has no variants: add at least one [[variant]] with a name and an impl", 1, 1);
  check_error(parse_fails("variant = []\n" + counters("")),
              "the scenario has no variants: add at least one [[variant]] with a name and an impl", 1, 11);
  check_error(parse_fails(counters("[[variant]]\nimpl = \"mutex\"\n")),
              "[[variant]] needs a 'name' (a string): its label in tables and case ids", 4, 1);
  check_error(parse_fails(counters("[[variant]]\nname = \"a\"\n")),
              "variant 'a' needs an 'impl' (a string): one of atomic_fetch_add, mutex, spinlock, sharded_packed, "
              "sharded_padded, thread_local_batch",
              4, 1);
  check_error(parse_fails(counters("[[variant]]\nname = \"a/b\"\nimpl = \"mutex\"\n")),
              "variant name 'a/b' must be non-empty and contain no '/', ',', '=' or spaces: it is part of case ids", 5,
              8);
  check_error(parse_fails(counters("[[variant]]\nname = \"a\"\nimpl = \"mutx\"\n")),
              "unknown implementation 'mutx' in family 'counters'; did you mean 'mutex'? Known implementations: "
              "atomic_fetch_add, mutex, spinlock, sharded_packed, sharded_padded, thread_local_batch",
              6, 8);
  check_error(parse_fails(counters("[[variant]]\nname = \"a\"\nimpl = \"mutex\"\n"
                                   "[[variant]]\nname = \"a\"\nimpl = \"spinlock\"\n")),
              "duplicate variant name 'a' (first used on line 5); variant names must be unique within a scenario", 8,
              8);
  check_error(parse_fails(counters("[[variant]]\nname = \"a\"\nimpl = \"mutex\"\nbaseline = true\n"
                                   "[[variant]]\nname = \"b\"\nimpl = \"spinlock\"\nbaseline = true\n")),
              "variants 'a' and 'b' are both marked baseline = true; only one variant can be the baseline", 11, 12);
}

TEST_CASE("parameters must belong to the family and to a variant's impl", "[scenario][parse][errors]") {
  const std::string atomic = "[[variant]]\nname = \"a\"\nimpl = \"atomic_fetch_add\"\n";
  check_error(parse_fails(counters("[params]\nthread = 2\n" + atomic)),
              "unknown parameter 'thread' for family 'counters'; did you mean 'threads'? Known parameters: threads, "
              "increments, delay_ns, op, pad_bytes, batch",
              5, 1);
  check_error(parse_fails(counters("[params]\nbatch = 8\n" + atomic)),
              "parameter 'batch' in [params] is not taken by any variant of this scenario (only by implementation "
              "thread_local_batch)",
              5, 1);
  check_error(parse_fails(counters("[[variant]]\nname = \"a\"\nimpl = \"mutex\"\nparams = { pad_byte = 64 }\n")),
              "variant 'a': implementation 'mutex' does not take parameter 'pad_byte'; known parameters: threads, "
              "increments, delay_ns",
              7, 12);
  check_error(parse_fails(counters("[[variant]]\nname = \"a\"\nimpl = \"sharded_padded\"\n"
                                   "params = { pad_byte = 64 }\n")),
              "variant 'a': implementation 'sharded_padded' does not take parameter 'pad_byte'; did you mean "
              "'pad_bytes'? Known parameters: threads, increments, delay_ns, op, pad_bytes",
              7, 12);
}

TEST_CASE("Family::validate failures point at [params] or at the variant", "[scenario][parse][errors]") {
  const std::string head = "[scenario]\nname = \"f\"\nfamily = \"fake\"\n";
  check_error(parse_fails(head + "[params]\nmode = \"b\"\nflag = [false, true]\n"
                                 "[[variant]]\nname = \"p\"\nimpl = \"plain\"\n"),
              "invalid parameters for variant 'p' (flag=true,mode=b): mode b cannot be combined with flag", 4, 1);
  check_error(parse_fails(head + "[params]\nmode = \"b\"\n"
                                 "[[variant]]\nname = \"p\"\nimpl = \"plain\"\n"
                                 "[[variant]]\nname = \"q\"\nimpl = \"plain\"\nparams = { flag = true }\n"),
              "invalid parameters for variant 'q' (flag=true,mode=b): mode b cannot be combined with flag", 9, 1);
}

TEST_CASE("[profile] values are range-checked", "[scenario][parse][errors]") {
  check_error(parse_fails(counters("[profile]\nmode = \"gpu\"\n")),
              "'mode' in [profile] must be \"cpu\" or \"wall\", got \"gpu\"", 5, 8);
  check_error(parse_fails(counters("[profile]\nhz = 0\n")),
              "'hz' in [profile] must be between 1 and 10000 samples per second, got 0", 5, 6);
  check_error(parse_fails(counters("[profile]\nhz = 10001\n")),
              "'hz' in [profile] must be between 1 and 10000 samples per second, got 10001", 5, 6);
}

TEST_CASE("Error::describe gives file:line:column", "[scenario][parse][errors]") {
  CHECK(parse_fails(counters("[run]\nrepetitions = 0\n")).describe() ==
        "test.toml:5:15: 'repetitions' in [run] must be between 1 and 100000, got 0");
}
