// The families the fuzz targets parse scenarios against: the real counters family
// and a family whose parameters cover every ParamType (text included), so case
// expansion, coercion and case ids are reached, and a stand-in for the `command`
// family's parameters, whose command lines may be argv arrays (scenario/argv_param.hpp).
// No workload is ever built.
#pragma once

#include "families/counters/counters.hpp"
#include "families/family.hpp"

namespace velo::fuzz {

inline const Registry& registry() {
  static const Registry registry = [] {
    Family family;
    family.name = "fuzz";
    family.doc = "parameters of every type";
    family.op = "nothing";
    family.params = {
        {.name = "size", .type = ParamType::bytes, .default_value = std::int64_t{4096}, .min = 1},
        {.name = "ratio", .type = ParamType::number, .default_value = 0.5, .min = 0, .max = 1},
        {.name = "mode", .type = ParamType::choice, .default_value = std::string("a"), .choices = {"a", "b"}},
        {.name = "flag", .type = ParamType::boolean, .default_value = false},
        {.name = "dir", .type = ParamType::text, .default_value = std::string("tmpdir")},
        {.name = "threads", .type = ParamType::integer, .default_value = std::int64_t{1}, .min = 1, .max = 256},
    };
    family.impls = {{.name = "plain", .doc = "no parameters of its own"},
                    {.name = "tuned",
                     .doc = "one parameter of its own",
                     .params = {{.name = "knob", .type = ParamType::integer, .default_value = std::int64_t{3}}}}};
    Family command;
    command.name = "command";
    command.doc = "the command family's command lines, nothing run";
    command.op = "nothing";
    for (const char* name : {"command", "baseline_command", "setup", "prepare", "cleanup"}) {
      command.params.push_back({.name = name, .type = ParamType::text, .default_value = std::string("true")});
    }
    command.open_params = true;
    command.impls = {{.name = "command", .doc = "nothing"}};
    Registry r;
    r.add(make_counters_family());
    r.add(std::move(family));
    r.add(std::move(command));
    return r;
  }();
  return registry;
}

}  // namespace velo::fuzz
