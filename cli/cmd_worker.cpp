// `velo __worker`: the isolated worker process (see runner/worker.hpp). Hidden.
#include "cli/commands.hpp"
#include "runner/worker.hpp"

namespace velo::cli {

void add_worker_command(CLI::App& app, Context& context) {
  CLI::App* worker = app.add_subcommand("__worker", "internal: measure one case for a parent velo process");
  worker->group("");  // hidden from --help
  worker->callback([&context] { context.exit_code = worker_main(); });
}

}  // namespace velo::cli
