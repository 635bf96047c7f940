// `velo merge A.json B.json ... -o all.json`: the reports of `velo run --shard I/N`
// jobs back into one report (shard/merge.hpp has the rules it checks).
#include <fmt/format.h>

#include "cli/commands.hpp"
#include "core/atomic_file.hpp"
#include "report/report.hpp"
#include "shard/merge.hpp"

namespace velo::cli {

namespace {

struct MergeArgs {
  std::vector<std::string> inputs;
  std::string out;
  bool force = false;
};

int merge(const MergeArgs& args) {
  std::vector<shard::NamedReport> shards;
  for (const auto& path : args.inputs) {
    auto read = report::read_report_file(path);
    if (!read.ok()) {
      print_error(read.error().describe());
      return exit_code::bad_input;
    }
    shards.push_back({path, std::move(*read)});
  }
  auto merged = shard::merge(shards, args.force);
  if (!merged.ok()) {
    print_error(merged.error().describe());
    return exit_code::bad_input;
  }
  if (auto written = write_file_atomically(args.out, report::to_json_text(*merged)); !written.ok()) {
    print_error(written.error().describe());
    return exit_code::bad_input;
  }
  fmt::print(stderr, "merged {} report(s), {} cases, into {}\n", shards.size(), merged->cases.size(), args.out);
  return exit_code::ok;
}

}  // namespace

void add_merge_command(CLI::App& app, Context& context) {
  auto args = std::make_shared<MergeArgs>();
  CLI::App* cmd = app.add_subcommand("merge", "Merge the reports of `velo run --shard I/N` jobs into one report");
  cmd->add_option("reports", args->inputs, "The shards' REPORT.json files")->required();
  cmd->add_option("-o,--out", args->out, "Where to write the merged report")->required();
  cmd->add_flag("--force", args->force, "Merge shards from different machines, builds or scenario files");
  cmd->callback([&context, args] { context.exit_code = merge(*args); });
}

}  // namespace velo::cli
