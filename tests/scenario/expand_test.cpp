// Expansion turns a scenario into cases: ids, groups, dropped keys, defaults, the
// precedence of settings, --param overrides and skipping, all checked exactly.
#include <catch2/catch.hpp>

#include <algorithm>

#include "fake_family.hpp"

using velo::Case;
using velo::Overrides;
using velo::ParamValue;
using velo::Scenario;
using velo::testing::parse_ok;
using velo::testing::test_registry;

namespace {

std::vector<Case> expand(const std::vector<Scenario>& scenarios, const Overrides& overrides = {}) {
  auto cases = velo::expand_cases(scenarios, overrides, test_registry());
  INFO((cases ? std::string() : cases.error().describe()));
  REQUIRE(cases.ok());
  return *cases;
}

velo::Error expand_fails(const std::vector<Scenario>& scenarios, const Overrides& overrides) {
  auto cases = velo::expand_cases(scenarios, overrides, test_registry());
  REQUIRE_FALSE(cases.ok());
  return cases.error();
}

std::vector<std::string> ids(const std::vector<Case>& cases) {
  std::vector<std::string> out;
  for (const auto& c : cases) out.push_back(c.id);
  return out;
}

std::vector<std::string> groups(const std::vector<Case>& cases) {
  std::vector<std::string> out;
  for (const auto& c : cases) out.push_back(c.group);
  return out;
}

Overrides with_params(std::vector<std::string> params) {
  Overrides overrides;
  overrides.params = std::move(params);
  return overrides;
}

const Scenario& counters_scenario() {
  static const Scenario scenario = parse_ok(R"([scenario]
name = "c"
family = "counters"

[params]
threads = [1, 2]
increments = [1, 100]

[[variant]]
name = "atomic"
impl = "atomic_fetch_add"

[[variant]]
name = "padded"
impl = "sharded_padded"
params = { pad_bytes = [64, 1024], threads = 4 }

[[variant]]
name = "batched"
impl = "thread_local_batch"
baseline = true
)");
  return scenario;
}

}  // namespace

TEST_CASE("ids, groups and order follow the matrix in file order", "[scenario][expand]") {
  const auto cases = expand({counters_scenario()});
  CHECK(ids(cases) == std::vector<std::string>{
                          "counters/atomic/increments=1,threads=1",
                          "counters/atomic/increments=100,threads=1",
                          "counters/atomic/increments=1,threads=2",
                          "counters/atomic/increments=100,threads=2",
                          // The variant's threads replaces the scenario's in place; its pad_bytes follows.
                          "counters/padded/increments=1,pad_bytes=64,threads=4",
                          "counters/padded/increments=1,pad_bytes=1KiB,threads=4",
                          "counters/padded/increments=100,pad_bytes=64,threads=4",
                          "counters/padded/increments=100,pad_bytes=1KiB,threads=4",
                          "counters/batched/increments=1,threads=1",
                          "counters/batched/increments=100,threads=1",
                          "counters/batched/increments=1,threads=2",
                          "counters/batched/increments=100,threads=2",
                      });
  // Groups hold only [params] keys the variant did not override.
  CHECK(groups(cases) == std::vector<std::string>{
                             "increments=1,threads=1", "increments=100,threads=1",
                             "increments=1,threads=2", "increments=100,threads=2",
                             "increments=1", "increments=1", "increments=100", "increments=100",
                             "increments=1,threads=1", "increments=100,threads=1",
                             "increments=1,threads=2", "increments=100,threads=2",
                         });
  for (const auto& c : cases) {
    CHECK(c.scenario == "c");
    CHECK(c.family == "counters");
    CHECK(c.baseline == (c.variant == "batched"));
    CHECK_FALSE(c.skip_reason);
  }
  CHECK(cases[4].variant == "padded");
  CHECK(cases[4].impl == "sharded_padded");
}

TEST_CASE("Params are complete: every declared parameter, defaults filled, values coerced", "[scenario][expand]") {
  const auto cases = expand({counters_scenario()});
  const Case& atomic = cases[3];
  CHECK(atomic.params.values() ==
        std::map<std::string, ParamValue, std::less<>>{{"delay_ns", std::int64_t{0}},
                                                       {"increments", std::int64_t{100}},
                                                       {"threads", std::int64_t{2}}});
  const Case& padded = cases[5];
  CHECK(padded.params.integer("pad_bytes") == 1024);
  CHECK(padded.params.integer("threads") == 4);
  CHECK(padded.params.integer("delay_ns") == 0);
  const Case& batched = cases[8];
  CHECK(batched.params.integer("batch") == 64);  // the implementation's default
}

TEST_CASE("a [params] key is dropped for variants whose impl does not take it", "[scenario][expand]") {
  const Scenario s = parse_ok(R"([scenario]
name = "c"
family = "counters"
[params]
batch = [8, 64]
[[variant]]
name = "atomic"
impl = "atomic_fetch_add"
[[variant]]
name = "batched"
impl = "thread_local_batch"
)");
  const auto cases = expand({s});
  CHECK(ids(cases) == std::vector<std::string>{"counters/atomic", "counters/batched/batch=8",
                                               "counters/batched/batch=64"});
  CHECK(groups(cases) == std::vector<std::string>{"", "batch=8", "batch=64"});
  CHECK_FALSE(cases[0].params.has("batch"));
  CHECK(cases[2].params.integer("batch") == 64);
}

TEST_CASE("values of every type are coerced and formatted canonically in ids", "[scenario][expand]") {
  const Scenario s = parse_ok(R"([scenario]
name = "f"
family = "fake"
[params]
size = ["64KiB", 3000]
ratio = 1
mode = "b"
flag = false
[[variant]]
name = "p"
impl = "plain"
)");
  const auto cases = expand({s});
  CHECK(ids(cases) == std::vector<std::string>{"fake/p/flag=false,mode=b,ratio=1,size=64KiB",
                                               "fake/p/flag=false,mode=b,ratio=1,size=3000"});
  CHECK(cases[0].params.integer("size") == 65536);
  CHECK(std::holds_alternative<double>(cases[0].params.values().at("ratio")));
  CHECK(cases[0].params.number("ratio") == 1.0);
  CHECK(cases[0].params.text("mode") == "b");
}

TEST_CASE("settings: defaults < [run] < overrides", "[scenario][expand]") {
  const Scenario plain = parse_ok(R"([scenario]
name = "plain"
family = "counters"
[[variant]]
name = "a"
impl = "mutex"
)");
  const Scenario tuned = parse_ok(R"([scenario]
name = "tuned"
family = "counters"
[run]
repetitions = 3
min_time = "10ms"
warmup = "0s"
timeout = "5s"
[[variant]]
name = "b"
impl = "mutex"
)");
  auto cases = expand({plain, tuned});
  CHECK(cases[0].settings == velo::RunSettings{.repetitions = 10, .min_time_s = 0.1, .warmup_s = 0.02,
                                               .timeout_s = 60.0});
  CHECK(cases[1].settings.repetitions == 3);
  CHECK(cases[1].settings.min_time_s == Approx(0.01));
  CHECK(cases[1].settings.warmup_s == 0.0);
  CHECK(cases[1].settings.timeout_s == Approx(5.0));

  Overrides overrides;
  overrides.repetitions = 2;
  overrides.min_time_s = 0.5;
  cases = expand({plain, tuned}, overrides);
  CHECK(cases[0].settings == velo::RunSettings{.repetitions = 2, .min_time_s = 0.5, .warmup_s = 0.02,
                                               .timeout_s = 60.0});
  CHECK(cases[1].settings == velo::RunSettings{.repetitions = 2, .min_time_s = 0.5, .warmup_s = 0.0,
                                               .timeout_s = 5.0});
  overrides.warmup_s = 1;
  overrides.timeout_s = 9;
  cases = expand({plain}, overrides);
  CHECK(cases[0].settings == velo::RunSettings{.repetitions = 2, .min_time_s = 0.5, .warmup_s = 1, .timeout_s = 9});

  // Counted under Valgrind: the default timeout is ten times as long; a set one is kept.
  Overrides counted;
  counted.measure = velo::MeasureMode::instructions;
  cases = expand({plain, tuned}, counted);
  CHECK(cases[0].settings.timeout_s == Approx(600.0));
  CHECK(cases[1].settings.timeout_s == Approx(5.0));
  counted.timeout_s = 30;
  cases = expand({plain}, counted);
  CHECK(cases[0].settings.timeout_s == Approx(30.0));
}

TEST_CASE("forks come from [run] or --forks and never exceed the repetitions", "[scenario][expand]") {
  const Scenario forked = parse_ok(R"([scenario]
name = "forked"
family = "counters"
[run]
repetitions = 6
forks = 3
[[variant]]
name = "a"
impl = "mutex"
)");
  CHECK(expand({forked})[0].settings.forks == 3);
  CHECK(expand({counters_scenario()})[0].settings.forks == 1);
  Overrides overrides;
  overrides.forks = 10;  // "up to 10": six repetitions make six forks of one
  CHECK(expand({forked}, overrides)[0].settings.forks == 6);
  overrides.repetitions = 20;
  CHECK(expand({forked}, overrides)[0].settings.forks == 10);
  overrides.forks = 0;
  CHECK(expand_fails({forked}, overrides).message == "--forks must be at least 1, got 0");
}

TEST_CASE("bad setting overrides are refused", "[scenario][expand][errors]") {
  Overrides overrides;
  overrides.repetitions = 0;
  CHECK(expand_fails({counters_scenario()}, overrides).message == "--repetitions must be at least 1, got 0");
  overrides = {};
  overrides.min_time_s = 0;
  CHECK(expand_fails({counters_scenario()}, overrides).message == "--min-time must be greater than zero");
  overrides = {};
  overrides.timeout_s = -1;
  CHECK(expand_fails({counters_scenario()}, overrides).message == "--timeout must be greater than zero");
  overrides = {};
  overrides.warmup_s = -1;
  CHECK(expand_fails({counters_scenario()}, overrides).message == "--warmup must not be negative");
}

TEST_CASE("--param replaces a key's list everywhere it appears", "[scenario][expand][param]") {
  const auto cases = expand({counters_scenario()}, with_params({"threads=3"}));
  CHECK(ids(cases) == std::vector<std::string>{
                          "counters/atomic/increments=1,threads=3",
                          "counters/atomic/increments=100,threads=3",
                          "counters/padded/increments=1,pad_bytes=64,threads=3",
                          "counters/padded/increments=1,pad_bytes=1KiB,threads=3",
                          "counters/padded/increments=100,pad_bytes=64,threads=3",
                          "counters/padded/increments=100,pad_bytes=1KiB,threads=3",
                          "counters/batched/increments=1,threads=3",
                          "counters/batched/increments=100,threads=3",
                      });
  // A replaced key keeps its place: in the group for [params] keys, not for a variant's own.
  CHECK(cases[0].group == "increments=1,threads=3");
  CHECK(cases[2].group == "increments=1");
}

TEST_CASE("--param adds a key the scenario does not set, outside the group", "[scenario][expand][param]") {
  const auto cases = expand({counters_scenario()}, with_params({"delay_ns=50", "batch=8"}));
  CHECK(cases[0].id == "counters/atomic/delay_ns=50,increments=1,threads=1");
  CHECK(cases[0].group == "increments=1,threads=1");
  CHECK(cases[0].params.integer("delay_ns") == 50);
  CHECK_FALSE(cases[0].params.has("batch"));
  CHECK(cases[8].id == "counters/batched/batch=8,delay_ns=50,increments=1,threads=1");
  CHECK(cases[8].group == "increments=1,threads=1");
  CHECK(cases[8].params.integer("batch") == 8);
}

TEST_CASE("--param values are TOML, else plain strings; lists and repeats work", "[scenario][expand][param]") {
  const Scenario s = parse_ok(R"([scenario]
name = "f"
family = "fake"
[[variant]]
name = "p"
impl = "plain"
)");
  CHECK(ids(expand({s}, with_params({"mode=b"}))) == std::vector<std::string>{"fake/p/mode=b"});
  CHECK(ids(expand({s}, with_params({"mode=\"b\""}))) == std::vector<std::string>{"fake/p/mode=b"});
  CHECK(ids(expand({s}, with_params({"size=4KiB"}))) == std::vector<std::string>{"fake/p/size=4KiB"});
  CHECK(ids(expand({s}, with_params({"ratio=0.25", "flag=true"}))) ==
        std::vector<std::string>{"fake/p/flag=true,ratio=0.25"});
  CHECK(ids(expand({s}, with_params({"size=[1, 2]"}))) == std::vector<std::string>{"fake/p/size=1", "fake/p/size=2"});
  // The last --param for a key wins.
  CHECK(ids(expand({s}, with_params({"size=1", "size=2"}))) == std::vector<std::string>{"fake/p/size=2"});
}

TEST_CASE("bad --param values and keys are refused", "[scenario][expand][param][errors]") {
  const auto message = [](std::vector<std::string> params) {
    return expand_fails({counters_scenario()}, with_params(std::move(params))).message;
  };
  CHECK(message({"threads"}) == "--param expects KEY=VALUE, got 'threads'");
  CHECK(message({"=3"}) == "--param expects KEY=VALUE, got '=3'");
  CHECK(message({"threads=abc"}) == "--param threads=abc: parameter 'threads' expects an integer, got \"abc\"");
  CHECK(message({"threads=0"}) == "--param threads=0: parameter 'threads' must be an integer between 1 and 1024, "
                                  "got 0");
  CHECK(message({"threads=[1, 1]"}) == "--param threads=[1, 1]: parameter 'threads' lists the value 1 twice");
  CHECK(message({"threads=[]"}) == "--param threads=[]: the list is empty; give at least one value");
  CHECK(message({"threads=[[1]]"}) ==
        "--param threads=[[1]]: a list may only hold values (integer, float, boolean or string), got array");
  CHECK(message({"thread=2"}) ==
        "--param thread=2: no variant of the scenarios being run takes parameter 'thread'; did you mean 'threads'?");
  CHECK(message({"colour=red"}) ==
        "--param colour=red: no variant of the scenarios being run takes parameter 'colour' (they take: threads, "
        "increments, delay_ns, op, pad_bytes, batch)");
  // The key exists in the family, but no variant being run takes it.
  const Scenario mutex_only = parse_ok("[scenario]\nname = \"m\"\nfamily = \"counters\"\n"
                                       "[[variant]]\nname = \"m\"\nimpl = \"mutex\"\n");
  CHECK(expand_fails({mutex_only}, with_params({"pad_bytes=128"})).message ==
        "--param pad_bytes=128: no variant of the scenarios being run takes parameter 'pad_bytes' (they take: "
        "threads, increments, delay_ns)");
}

TEST_CASE("Family::validate also judges points made by --param", "[scenario][expand][param][errors]") {
  const Scenario s = parse_ok(R"([scenario]
name = "f"
family = "fake"
[params]
mode = "b"
[[variant]]
name = "p"
impl = "plain"
)");
  const velo::Error e = expand_fails({s}, with_params({"flag=true"}));
  CHECK(e.message == "invalid parameters for variant 'p' (flag=true,mode=b): mode b cannot be combined with flag");
  CHECK(e.where.file == "test.toml");
  CHECK(e.where.line == 6);
}

TEST_CASE("cases that do not apply are skipped with the reason", "[scenario][expand][skip]") {
  const Scenario s = parse_ok(R"([scenario]
name = "f"
family = "fake"
[params]
size = ["1MiB", "2MiB"]
[[variant]]
name = "plain"
impl = "plain"
[[variant]]
name = "tuned"
impl = "tuned"
params = { knob = [0, 7] }
[[variant]]
name = "absent"
impl = "absent"
)");
  const auto cases = expand({s});
  REQUIRE(cases.size() == 8);
  CHECK(ids(cases) == std::vector<std::string>{
                          "fake/plain/size=1MiB", "fake/plain/size=2MiB",
                          "fake/tuned/knob=0,size=1MiB", "fake/tuned/knob=7,size=1MiB",
                          "fake/tuned/knob=0,size=2MiB", "fake/tuned/knob=7,size=2MiB",
                          "fake/absent/size=1MiB", "fake/absent/size=2MiB",
                      });
  CHECK_FALSE(cases[0].skip_reason);
  CHECK_FALSE(cases[1].skip_reason);
  CHECK_FALSE(cases[2].skip_reason);
  CHECK(cases[4].skip_reason == "sizes over 1MiB do not apply");
  CHECK(cases[5].skip_reason == "sizes over 1MiB do not apply");
  // The host reason comes first and the per-case check is not consulted.
  CHECK(cases[6].skip_reason == "needs a feature this host lacks");
  CHECK(cases[7].skip_reason == "needs a feature this host lacks");
}

TEST_CASE("case ids must be unique across scenarios", "[scenario][expand][errors]") {
  const auto make = [](std::string name, std::string path) {
    return parse_ok("[scenario]\nname = \"" + name + "\"\nfamily = \"counters\"\n[params]\nthreads = [1, 2]\n"
                    "[[variant]]\nname = \"atomic\"\nimpl = \"atomic_fetch_add\"\n",
                    path);
  };
  const velo::Error e = expand_fails({make("one", "one.toml"), make("two", "two.toml")}, {});
  CHECK(e.message ==
        "case id 'counters/atomic/threads=1' is produced by both scenario 'one' (one.toml) and scenario 'two' "
        "(two.toml); case ids must be unique: rename a variant");
  CHECK(e.where.file == "two.toml");
}

TEST_CASE("a Scenario built in code expands like a parsed one", "[scenario][expand]") {
  Scenario s;
  s.path = "<code>";
  s.name = "built";
  s.family = "counters";
  s.params = {{"threads", {std::int64_t{2}}}};
  s.variants = {{.name = "a", .impl = "mutex"}, {.name = "b", .impl = "spinlock", .baseline = true}};
  const auto cases = expand({s});
  CHECK(ids(cases) == std::vector<std::string>{"counters/a/threads=2", "counters/b/threads=2"});
  CHECK_FALSE(cases[0].baseline);
  CHECK(cases[1].baseline);

  s.variants[1].params = {{"threads", {std::int64_t{0}}}};
  const velo::Error e = expand_fails({s}, {});
  CHECK(e.message == "parameter 'threads' must be an integer between 1 and 1024, got 0");
  CHECK(e.where.file.empty());  // a VariantDef built in code has no location
}
