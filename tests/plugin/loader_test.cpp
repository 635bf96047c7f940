// Loading plugins: what a valid one registers, and each way a malformed one is
// refused (ABI version, missing symbols, missing functions, bad declarations).
// Then the adapters in process: correct implementations pass the family drivers'
// verification, and each contract violation fails it with the driver's message.
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "plugin/loaded.hpp"
#include "plugin_fixture.hpp"

using namespace velo;
using plugintest::plugin_path;

namespace {

bool has(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

std::string load_error(const std::string& name) {
  auto loaded = plugin::load(plugin_path(name));
  REQUIRE_FALSE(loaded.ok());
  return loaded.error().describe();
}

class Sink final : public MetricSink {
 public:
  void add(std::string_view, double) override {}
};

// The one case of `variant` in a scenario of `family` with `params`, in `registry`.
Case one_case(const Registry& registry, const std::string& family, const std::string& impl,
              const std::string& params = "") {
  const std::string text = "[scenario]\nname = \"t\"\nfamily = \"" + family + "\"\n[params]\n" + params +
                           "\n[[variant]]\nname = \"v\"\nimpl = \"" + impl + "\"\n";
  auto scenario = parse_scenario(text, "plugin_test.toml", registry);
  INFO((scenario.ok() ? std::string() : scenario.error().describe()));
  REQUIRE(scenario.ok());
  auto cases = expand_cases({*scenario}, {}, registry);
  REQUIRE(cases.ok());
  REQUIRE(cases->size() == 1);
  return cases->front();
}

// Builds the case's workload and runs `ops` operations twice; the first
// verification error, or "" if both repetitions verified.
std::string run_case(const Registry& registry, const Case& c, std::int64_t ops) {
  const Implementation* impl = registry.find(c.family)->find_impl(c.impl);
  REQUIRE(impl != nullptr);
  REQUIRE_FALSE(c.skip_reason);
  auto made = impl->make(c.params);
  if (auto* error = std::get_if<CaseError>(&made)) return "case error: " + error->reason;
  auto& workload = std::get<std::unique_ptr<Workload>>(made);
  Sink sink;
  for (int repetition = 0; repetition < 2; ++repetition) {
    workload->begin_repetition();
    const double seconds = workload->run(ops);
    if (auto status = workload->end_repetition(sink, ops, seconds); !status.ok()) return status.error().message;
  }
  return "";
}

}  // namespace

TEST_CASE("a valid plugin registers every implementation under its family") {
  auto loaded = plugin::load(plugin_path("good"));
  INFO((loaded.ok() ? std::string() : loaded.error().describe()));
  REQUIRE(loaded.ok());
  const plugin::Identity& id = plugin::identity_of(**loaded);
  CHECK(id.name == "testgood");
  CHECK(id.version == "1.0.0");
  CHECK(std::filesystem::path(id.path).is_absolute());
  CHECK(id.file_hash.rfind("fnv1a64:", 0) == 0);
  CHECK(id.build_id.find_first_not_of("0123456789abcdef") == std::string::npos);

  Registry registry = plugintest::fresh_registry();
  REQUIRE(registry.find("function") == nullptr);
  REQUIRE(plugin::register_into(*loaded, registry).ok());
  CHECK(registry.find("channel")->find_impl("locked_queue"));
  CHECK(registry.find("pool")->find_impl("freelist_pool"));
  CHECK(registry.find("map")->find_impl("locked_map"));
  CHECK(registry.find("counters")->find_impl("atomic_counter"));
  REQUIRE(registry.find("function") != nullptr);
  const Implementation* sum = registry.find("function")->find_impl("sum");
  REQUIRE(sum);
  CHECK(has(sum->doc, "plugin testgood 1.0.0"));
  REQUIRE(sum->params.size() == 2);
  CHECK(sum->params[0].name == "step");
  CHECK(sum->params[0].default_value == ParamValue{std::int64_t{1}});
  CHECK(sum->params[0].max == 1000);
  CHECK(sum->params[1].choices == std::vector<std::string>{"plain", "fancy"});
  // The worker is told which plugin to load.
  CHECK(sum->worker_environment(Params{}).at(plugin::kWorkerPluginVariable) == id.path);

  // Registering the same file again changes nothing.
  const std::size_t channels = registry.find("channel")->impls.size();
  REQUIRE(plugin::register_into(*loaded, registry).ok());
  CHECK(registry.find("channel")->impls.size() == channels);
}

TEST_CASE("an implementation name a family already has is refused, and nothing is added") {
  Registry registry = plugintest::fresh_registry();
  {
    std::vector<Family> families = registry.families();
    for (Family& family : families) {
      if (family.name == "counters") family.impls.push_back({.name = "atomic_counter", .doc = "a built-in's name"});
    }
    registry = Registry();
    for (Family& family : families) registry.add(std::move(family));
  }
  const std::size_t channels = registry.find("channel")->impls.size();
  auto loaded = plugin::load(plugin_path("good"));
  REQUIRE(loaded.ok());
  auto status = plugin::register_into(*loaded, registry);
  REQUIRE_FALSE(status.ok());
  CHECK(has(status.error().message, "'atomic_counter' is already registered in family 'counters'"));
  CHECK(registry.find("channel")->impls.size() == channels);
  CHECK(registry.find("function") == nullptr);
}

TEST_CASE("a plugin built against another ABI version is refused naming both versions") {
  const std::string error = load_error("abi_mismatch");
  CHECK(has(error, "velo_test_abi_mismatch.so"));
  CHECK(has(error, "ABI version 999"));
  CHECK(has(error, "this velo uses ABI version 1"));
}

TEST_CASE("missing symbols: no entry point, or an undefined symbol the plugin needs") {
  CHECK(has(load_error("no_entry"), "no symbol velo_plugin_entry: not a velo plugin"));
  const std::string undefined = load_error("undefined_symbol");
  CHECK(has(undefined, "cannot load it"));
  CHECK(has(undefined, "velo_test_function_nobody_defines"));
}

TEST_CASE("an implementation without a required function is refused naming it") {
  const std::string error = load_error("missing_function");
  CHECK(has(error, "implementation 'half_queue'"));
  CHECK(has(error, "missing function try_recv"));
}

TEST_CASE("a bad parameter declaration refuses the plugin") {
  const std::string error = load_error("bad_param");
  CHECK(has(error, "parameter 'batch'"));
  CHECK(has(error, "default does not fit"));
}

TEST_CASE("a path that is not a regular file is refused before dlopen") {
  auto missing = plugin::load(plugin_path("does_not_exist"));
  REQUIRE_FALSE(missing.ok());
  auto directory = plugin::load(std::getenv("VELO_TEST_PLUGINS"));
  REQUIRE_FALSE(directory.ok());
  auto device = plugin::load("/dev/zero");
  REQUIRE_FALSE(device.ok());
}

TEST_CASE("scenarios name plugins relative to their file and validate plugin parameters") {
  Registry registry = plugintest::fresh_registry();
  plugin::enable_scenario_plugins(registry);
  const std::filesystem::path dir = std::filesystem::temp_directory_path() / ("velo-plugin-scenario-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::filesystem::copy_file(plugin_path("good"), dir / "libgood.so", std::filesystem::copy_options::overwrite_existing);
  auto scenario = [&](const std::string& body) {
    const std::string text = "[scenario]\nname = \"s\"\nfamily = \"function\"\nplugins = [\"libgood.so\"]\n" + body;
    return parse_scenario(text, (dir / "s.toml").string(), registry);
  };
  auto ok = scenario("[[variant]]\nname = \"a\"\nimpl = \"sum\"\nparams = { step = 3, flavour = \"fancy\" }\n");
  INFO((ok.ok() ? std::string() : ok.error().describe()));
  REQUIRE(ok.ok());
  REQUIRE(registry.find("function") != nullptr);
  CHECK(registry.find("function")->find_impl("sum"));

  auto typo = scenario("[[variant]]\nname = \"a\"\nimpl = \"summ\"\n");
  REQUIRE_FALSE(typo.ok());
  CHECK(has(typo.error().describe(), "s.toml:7:"));
  CHECK(has(typo.error().message, "did you mean 'sum'?"));

  auto range = scenario("[[variant]]\nname = \"a\"\nimpl = \"sum\"\nparams = { step = 5000 }\n");
  REQUIRE_FALSE(range.ok());
  CHECK(has(range.error().message, "step"));

  auto choice = scenario("[[variant]]\nname = \"a\"\nimpl = \"sum\"\nparams = { flavour = \"odd\" }\n");
  REQUIRE_FALSE(choice.ok());
  CHECK(has(choice.error().message, "plain|fancy"));

  auto missing = parse_scenario("[scenario]\nname = \"s\"\nfamily = \"function\"\nplugins = [\"nope.so\"]\n"
                                "[[variant]]\nname = \"a\"\nimpl = \"sum\"\n",
                                (dir / "m.toml").string(), registry);
  REQUIRE_FALSE(missing.ok());
  CHECK(has(missing.error().describe(), "m.toml:4:"));
  INFO(missing.error().message);
  CHECK(has(missing.error().message, "nope.so"));
  std::filesystem::remove_all(dir);
}

TEST_CASE("correct plugin implementations pass their family drivers' verification") {
  Registry registry = plugintest::fresh_registry();
  REQUIRE(plugin::load_all({plugin_path("good")}, registry).ok());
  CHECK(run_case(registry, one_case(registry, "channel", "locked_queue"), 5000) == "");
  CHECK(run_case(registry, one_case(registry, "channel", "locked_queue", "producers = 2\nconsumers = 2"), 5000) == "");
  CHECK(run_case(registry, one_case(registry, "channel", "locked_queue", "pattern = \"pingpong\""), 500) == "");
  CHECK(run_case(registry, one_case(registry, "pool", "freelist_pool", "threads = 2\nlive = 4\ncross_thread = 0.5"),
                 5000) == "");
  CHECK(run_case(registry, one_case(registry, "map", "locked_map", "threads = 2"), 5000) == "");
  CHECK(run_case(registry, one_case(registry, "map", "locked_map", "key_type = \"string\""), 5000) == "");
  CHECK(run_case(registry, one_case(registry, "counters", "atomic_counter", "threads = 2"), 5000) == "");
  CHECK(run_case(registry, one_case(registry, "function", "sum", "threads = 2"), 5000) == "");
}

TEST_CASE("capabilities a plugin does not declare skip the case with the reason") {
  Registry registry = plugintest::fresh_registry();
  REQUIRE(plugin::load_all({plugin_path("broken")}, registry).ok());
  const Case many = one_case(registry, "channel", "lossy_queue", "producers = 2");
  REQUIRE(many.skip_reason);
  CHECK(has(*many.skip_reason, "VELO_CAP_MULTI_PRODUCER"));
  const Case rendezvous = one_case(registry, "channel", "lossy_queue", "capacity = 0");
  REQUIRE(rendezvous.skip_reason);
  CHECK(has(*rendezvous.skip_reason, "VELO_CAP_CAPACITY_ZERO"));
  const Case strings = one_case(registry, "map", "lying_map", "key_type = \"string\"");
  REQUIRE(strings.skip_reason);
  CHECK(has(*strings.skip_reason, "string keys"));
}

TEST_CASE("a contract violation of each kind fails its case with the driver's message") {
  Registry registry = plugintest::fresh_registry();
  REQUIRE(plugin::load_all({plugin_path("broken")}, registry).ok());
  const std::string lost =
      run_case(registry, one_case(registry, "channel", "lossy_queue"), 5000);
  CHECK(has(lost, "messages but"));
  const std::string pool = run_case(registry, one_case(registry, "pool", "double_pool", "live = 8"), 5000);
  CHECK(has(pool, "came back damaged"));
  const std::string map = run_case(registry, one_case(registry, "map", "lying_map"), 5000);
  CHECK(has(map, "the map holds"));
  const std::string counter = run_case(registry, one_case(registry, "counters", "lossy_counter", "increments = 10"), 5000);
  CHECK(has(counter, "counter holds"));
  const std::string function = run_case(registry, one_case(registry, "function", "wrong_function"), 100);
  CHECK(has(function, "checksum mismatch"));
  const std::string refused = run_case(registry, one_case(registry, "counters", "refusing_counter"), 10);
  CHECK(has(refused, "case error: plugin counter 'refusing_counter': create failed: no counter today"));
}

TEST_CASE("a producer starved of CPU longer than the watchdog's stall is not taken for a stall") {
  // The first 1.5 s sleep comes before the capacity (8) fills: consumers wait, no
  // message moves, and the watchdog sends its stop. Obeying it left the producer
  // blocked for good on a full channel no one drained; the driver ignores a stop
  // while a producer is still sending, so the round ends and the loss is named.
  Registry registry = plugintest::fresh_registry();
  REQUIRE(plugin::load_all({plugin_path("broken")}, registry).ok());
  const std::string lost = run_case(
      registry, one_case(registry, "channel", "lossy_queue", "capacity = 8\nstall_at = 100\nstall_ms = 1500"), 5000);
  CHECK(has(lost, "messages but"));
}

TEST_CASE("a map whose counts are right but whose values are stale fails naming key, expected and got") {
  Registry registry = plugintest::fresh_registry();
  REQUIRE(plugin::load_all({plugin_path("broken")}, registry).ok());
  const std::string stale = run_case(registry, one_case(registry, "map", "stale_map"), 5000);
  INFO(stale);
  CHECK(has(stale, "value check, key 0x"));
  CHECK(has(stale, "find after insert_or_assign(version "));
  CHECK(has(stale, "(a stale value"));
  CHECK(has(stale, ", expected version "));
  // A per-thread lookup cache is right on one thread; on two, the audit's reader
  // (thread 0) sees the writer's (thread 1) overwrite, or its stale cache is caught.
  CHECK(run_case(registry, one_case(registry, "map", "caching_map"), 5000) == "");
  const std::string cached = run_case(registry, one_case(registry, "map", "caching_map", "threads = 2"), 5000);
  INFO(cached);
  CHECK(has(cached, "returned the value of version "));
  CHECK(has(cached, "(a stale value, replaced since), expected version "));
}

TEST_CASE("a channel's try_send is checked before the first repetition: capacity, count, order") {
  Registry registry = plugintest::fresh_registry();
  REQUIRE(plugin::load_all({plugin_path("good"), plugin_path("broken")}, registry).ok());
  const auto* good = registry.find("channel")->find_impl("locked_queue");
  REQUIRE(good != nullptr);
  // locked_queue has try_push (the test would prove nothing if the SDK dropped it).
  CHECK(run_case(registry, one_case(registry, "channel", "locked_queue", "capacity = 64"), 5000) == "");
  CHECK(run_case(registry, one_case(registry, "channel", "locked_queue", "capacity = 100000"), 5000) == "");
  const std::string overfull =
      run_case(registry, one_case(registry, "channel", "overfull_queue", "capacity = 64"), 5000);
  CHECK(has(overfull, "case error: plugin channel 'overfull_queue': try_send accepted message 65 into a channel "
                      "of capacity 64: it holds more than its capacity"));
  // Above the probe's limit only the filling is checked, which this queue passes.
  CHECK(run_case(registry, one_case(registry, "channel", "overfull_queue", "capacity = 100000"), 5000) == "");
}

TEST_CASE("the C++ SDK sets try_send and close only for classes that have them") {
  auto channel_ops = [](const std::string& plugin, const std::string& name) -> const velo_channel_ops* {
    auto loaded = plugin::load(plugin_path(plugin));
    REQUIRE(loaded.ok());
    for (const auto& impl : (*loaded)->impls) {
      if (impl.raw->name == name) return impl.raw->channel;
    }
    FAIL("no implementation " << name);
    return nullptr;
  };
  const velo_channel_ops* with = channel_ops("good", "locked_queue");
  CHECK(with->try_send != nullptr);
  CHECK(with->close != nullptr);
  const velo_channel_ops* without = channel_ops("broken", "lossy_queue");
  CHECK(without->try_send == nullptr);
  CHECK(without->close == nullptr);
}

TEST_CASE("a plugin case's details carry the plugin's identity") {
  Registry registry = plugintest::fresh_registry();
  REQUIRE(plugin::load_all({plugin_path("good")}, registry).ok());
  const Case c = one_case(registry, "counters", "atomic_counter");
  auto made = registry.find("counters")->find_impl("atomic_counter")->make(c.params);
  auto& workload = std::get<std::unique_ptr<Workload>>(made);
  const nlohmann::json details = workload->details();
  CHECK(details["plugin"]["name"] == "testgood");
  CHECK(details["plugin"]["version"] == "1.0.0");
  CHECK(details["plugin"]["file_hash"].get<std::string>().rfind("fnv1a64:", 0) == 0);
}

TEST_CASE("a plugin that crashes while loading is refused, not fatal to velo") {
  const std::string error = load_error("crash_on_load");
  // A sanitizer build's SEGV handler turns the signal into an exit status.
  CHECK((has(error, "crashed while loading (SIGSEGV") || has(error, "exited with status")));
  CHECK(has(error, "while loading"));
}
