// Parameters written as an argv (scenario/argv_param.hpp): `command = [...]` in a
// variant's params is one argv whose words reach the program exactly, placeholders
// substituted per word; an array of arrays is an axis of argvs; a flat array in
// [params] stays an axis of strings; mistakes are refused with the file and line.
#include <catch2/catch.hpp>

#include "families/external/command_line.hpp"
#include "families/family.hpp"
#include "scenario/argv_param.hpp"
#include "scenario/scenario.hpp"

namespace {

const std::string kHeader = "[scenario]\nname = \"c\"\nfamily = \"command\"\n";

std::vector<velo::Case> cases_of(const std::string& body) {
  auto scenario = velo::parse_scenario(kHeader + body, "argv.toml", velo::registry());
  if (!scenario) FAIL(scenario.error().describe());
  auto cases = velo::expand_cases({*scenario}, {}, velo::registry());
  if (!cases) FAIL(cases.error().describe());
  return *cases;
}

std::string error_of(const std::string& body) {
  auto scenario = velo::parse_scenario(kHeader + body, "argv.toml", velo::registry());
  return scenario ? std::string() : scenario.error().describe();
}

// The argv the command family would run for `c` (its workload's details; nothing runs).
nlohmann::json argv_of(const velo::Case& c) {
  const velo::Family* family = velo::registry().find("command");
  REQUIRE(family);
  auto made = family->find_impl("command")->make(c.params);
  if (auto* error = std::get_if<velo::CaseError>(&made)) FAIL(error->reason);
  return std::get<std::unique_ptr<velo::Workload>>(made)->details()["argv"];
}

}  // namespace

TEST_CASE("argv_text: the text split_words splits back into exactly the words", "[scenario][argv]") {
  const std::vector<std::vector<std::string>> argvs = {
      {"./bench", "--size", "{size}"},
      {"echo", "", "two words", "it's", "\"quoted\"", "back\\slash", "tab\there", "a'b'c"},
      {"x"},
  };
  for (const auto& words : argvs) {
    const std::string text = velo::scenario_detail::argv_text(words);
    INFO(text);
    auto split = velo::external::split_words(text);
    REQUIRE(split);
    CHECK(*split == words);
  }
  // Plain words are written as they are: the same text (and case id) as the string form.
  CHECK(velo::scenario_detail::argv_text({"./bench", "--size", "{size}"}) == "./bench --size {size}");
}

TEST_CASE("a variant's command array is one argv, parameters substituted per word", "[scenario][argv]") {
  const auto cases = cases_of(
      "[params]\nsize = [\"1\", \"64\"]\n"
      "[[variant]]\nname = \"argv\"\nimpl = \"command\"\n"
      "params = { label = \"a b\", command = [\"./bench\", \"--size\", \"{size}\", \"--label={label}\", "
      "\"two words\"] }\n"
      "[[variant]]\nname = \"text\"\nimpl = \"command\"\n"
      "params = { command = \"./bench --size {size}\" }\n");
  REQUIRE(cases.size() == 4);  // one argv, not an axis of five commands
  CHECK(argv_of(cases[0]) == nlohmann::json::array({"./bench", "--size", "1", "--label=a b", "two words"}));
  CHECK(argv_of(cases[1]) == nlohmann::json::array({"./bench", "--size", "64", "--label=a b", "two words"}));
  CHECK(argv_of(cases[2]) == nlohmann::json::array({"./bench", "--size", "1"}));
  // Without quoting needed, the array and the string give the same parameter text.
  const auto plain = cases_of("[[variant]]\nname = \"v\"\nimpl = \"command\"\n"
                              "params = { command = [\"./bench\", \"--size\", \"8\"] }\n");
  CHECK(plain.at(0).params.text("command") == "./bench --size 8");

  // setup, prepare, cleanup and baseline_command take an argv too.
  const auto helpers = cases_of("[[variant]]\nname = \"v\"\nimpl = \"command\"\n"
                                "params = { command = [\"true\"], setup = [\"mkdir\", \"-p\", \"a dir\"], "
                                "baseline_command = [\"./old bench\"] }\n");
  CHECK(helpers.at(0).params.text("setup") == "mkdir -p 'a dir'");
  CHECK(helpers.at(0).params.text("baseline_command") == "'./old bench'");
}

TEST_CASE("an array of arrays is an axis of argvs; a flat array in [params] stays an axis", "[scenario][argv]") {
  const auto axis = cases_of("[params]\ncommand = [[\"./a\", \"x y\"], [\"./b\"]]\n"
                             "[[variant]]\nname = \"v\"\nimpl = \"command\"\n");
  REQUIRE(axis.size() == 2);
  CHECK(argv_of(axis[0]) == nlohmann::json::array({"./a", "x y"}));
  CHECK(argv_of(axis[1]) == nlohmann::json::array({"./b"}));
  const auto in_variant = cases_of("[[variant]]\nname = \"v\"\nimpl = \"command\"\n"
                                   "params = { command = [[\"./a\"], [\"./b\", \"1\"]] }\n");
  CHECK(in_variant.size() == 2);
  const auto strings = cases_of("[params]\ncommand = [\"true\", \"false -x\"]\n"
                                "[[variant]]\nname = \"v\"\nimpl = \"command\"\n");
  REQUIRE(strings.size() == 2);
  CHECK(argv_of(strings[1]) == nlohmann::json::array({"false", "-x"}));
}

TEST_CASE("argv mistakes are refused with the file, line and what was expected", "[scenario][argv]") {
  const std::string variant = "[[variant]]\nname = \"v\"\nimpl = \"command\"\n";
  const std::string number = error_of(variant + "params = { command = [\"./bench\", 8] }\n");
  CHECK(number.find("argv.toml:7:") == 0);
  CHECK(number.find("'command' in the params of variant 'v' is an argv, an array of strings: element 2 is an "
                    "integer") != std::string::npos);
  const std::string empty = error_of(variant + "params = { command = [] }\n");
  CHECK(empty.find("argv.toml:7:") == 0);
  CHECK(empty.find("is an empty array: an argv needs at least the program") != std::string::npos);
  const std::string unknown = error_of("[params]\nsize = \"1\"\n" + variant +
                                       "params = { command = [\"./bench\", \"{sise}\", \"{size}\"] }\n");
  CHECK(unknown.find("argv.toml:9:") == 0);
  CHECK(unknown.find("{sise} names no parameter") != std::string::npos);
  CHECK(unknown.find("did you mean '{size}'?") != std::string::npos);
  const std::string shell = error_of(variant + "params = { command = [\"echo\", \"hi\"], shell = true }\n");
  CHECK(shell.find("is an argv, run without a shell, but shell = true") != std::string::npos);
  const std::string mixed = error_of(variant + "params = { command = [[\"./a\"], \"./b\"] }\n");
  CHECK(mixed.find("element 1 is an array (an array of arrays is an axis of argvs") != std::string::npos);
  const std::string inner = error_of("[params]\ncommand = [[\"./a\", 1]]\n" + variant);
  CHECK(inner.find("'command' in [params] is an argv, an array of strings: element 2 is an integer") !=
        std::string::npos);
}

TEST_CASE("an external_command variant in a built-in family takes its command as an argv", "[scenario][argv]") {
  const std::string text =
      "[scenario]\nname = \"c\"\nfamily = \"channel\"\n"
      "[params]\nproducers = 1\nconsumers = 1\ncapacity = [0, 64]\nmessage_bytes = 64\n"
      "[[variant]]\nname = \"go_chan\"\nimpl = \"go_chan\"\n"
      "[[variant]]\nname = \"go\"\nimpl = \"external_command\"\n"
      "params = { command = [\"go\", \"run\", \".\", \"-cap\", \"{capacity}\", \"-n\", \"{repetitions}\", \"two words\"] }\n";
  auto scenario = velo::parse_scenario(text, "argv.toml", velo::registry());
  REQUIRE(scenario);
  auto cases = velo::expand_cases({*scenario}, {}, velo::registry());
  REQUIRE(cases);
  std::vector<std::string> commands;
  for (const velo::Case& c : *cases) {
    if (c.variant == "go") commands.push_back(c.params.text("command"));
  }
  // One case per capacity, not one per word: the array is one argv, not an axis.
  REQUIRE(commands.size() == 2);
  for (const std::string& command : commands) {
    auto words = velo::external::split_words(command);
    REQUIRE(words);
    REQUIRE(words->size() == 8);
    CHECK((*words)[0] == "go");
    CHECK((*words)[6] == "{repetitions}");  // a run setting, substituted when the case runs
    CHECK((*words)[7] == "two words");
  }
  // Elsewhere in a built-in family an array stays an axis, and a bad argv element is refused.
  auto bad = velo::parse_scenario(
      "[scenario]\nname = \"c\"\nfamily = \"channel\"\n[[variant]]\nname = \"go\"\nimpl = \"external_command\"\n"
      "params = { command = [\"go\", 3] }\n",
      "argv.toml", velo::registry());
  REQUIRE_FALSE(bad);
  CHECK_THAT(bad.error().describe(), Catch::Matchers::Contains("argv.toml:7"));
}

TEST_CASE("baseline_command is not part of case ids and takes one value", "[scenario][argv]") {
  // Adding a base command to a variant must not change its id (nor its history).
  const auto plain = cases_of("[[variant]]\nname = \"v\"\nimpl = \"command\"\nparams = { command = [\"./a\"] }\n");
  const auto with_base = cases_of("[[variant]]\nname = \"v\"\nimpl = \"command\"\n"
                                  "params = { command = [\"./a\"], baseline_command = [\"./old\"] }\n");
  REQUIRE(plain.size() == 1);
  REQUIRE(with_base.size() == 1);
  CHECK(with_base[0].id == plain[0].id);
  CHECK(with_base[0].group == plain[0].group);
  CHECK(with_base[0].params.text("baseline_command") == "./old");
  // The same for an external_command variant of a built-in family.
  auto external = velo::parse_scenario(
      "[scenario]\nname = \"c\"\nfamily = \"counters\"\n[params]\nthreads = 1\nincrements = 10\n"
      "[[variant]]\nname = \"go\"\nimpl = \"external_command\"\n"
      "params = { command = [\"./a\"], baseline_command = [\"./old\"] }\n",
      "argv.toml", velo::registry());
  REQUIRE(external);
  auto external_cases = velo::expand_cases({*external}, {}, velo::registry());
  REQUIRE(external_cases);
  REQUIRE(external_cases->size() == 1);
  CHECK((*external_cases)[0].id.find("baseline_command") == std::string::npos);
  CHECK((*external_cases)[0].id.find("command=") != std::string::npos);
  // An axis of base commands would give two cases one id: refused at its line.
  const std::string axis = error_of("[[variant]]\nname = \"v\"\nimpl = \"command\"\n"
                                    "params = { command = [\"./a\"], baseline_command = [[\"./x\"], [\"./y\"]] }\n");
  CHECK_THAT(axis, Catch::Matchers::Contains("argv.toml:7"));
  CHECK_THAT(axis, Catch::Matchers::Contains("parameter 'baseline_command' takes one value, not a list"));
}
