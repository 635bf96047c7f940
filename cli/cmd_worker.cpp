// `velo __worker`: the isolated worker process (see runner/worker.hpp). Hidden.
#include <cstdio>

#include "cli/commands.hpp"
#include "plugin/plugin.hpp"
#include "runner/worker.hpp"

namespace velo::cli {

void add_worker_command(CLI::App& app, Context& context) {
  CLI::App* worker = app.add_subcommand("__worker", "internal: measure one case for a parent velo process");
  worker->group("");  // hidden from --help
  worker->callback([&context] {
    // The plugin of this case's implementation (lib/plugin/plugin.hpp), before the case is read.
    if (auto loaded = plugin::load_for_worker(); !loaded.ok()) {
      std::fprintf(stderr, "velo worker: %s\n", loaded.error().describe().c_str());
      context.exit_code = 2;
      return;
    }
    context.exit_code = worker_main();
  });
}

}  // namespace velo::cli
