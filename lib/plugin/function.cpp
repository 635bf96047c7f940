// The `function` family: the catch-all for user code that is not a channel, pool,
// map or counter. It exists only when a plugin brings a function implementation.
//
// One op is one iteration of the plugin's run(). A team of `threads` threads
// (threads/thread_team.hpp) calls run(state, share, thread) at once, each with
// its share of the ops; the round is timed from the team's release to the last
// member finishing, so the timed region holds only the plugin's run calls.
// setup() runs once per case and teardown() once at the end, both outside timing.
// After every repetition, outside timing, a nonzero run() result or a failing
// verify() fails the case with the plugin's message: no speed is reported for
// work that was not right.
#include <atomic>
#include <stdexcept>

#include <fmt/format.h>

#include "plugin/loaded.hpp"
#include "threads/thread_team.hpp"

namespace velo::plugin {

namespace {

class FunctionWorkload final : public Workload {
 public:
  explicit FunctionWorkload(const Params& params)
      : impl_(*ScopedBuild::current().impl),
        ops_(*impl_.function),
        threads_(static_cast<int>(params.integer("threads"))),
        team_(threads_, [](int member) { return fmt::format("function-{}", member); }) {
    const velo_function_config config{.threads = threads_};
    char error[512] = "";
    state_ = ops_.setup(&config, ScopedBuild::current().params, error, sizeof error);
    if (!state_) {
      throw std::runtime_error(fmt::format("plugin function '{}': setup failed: {}", impl_.name,
                                           error[0] ? error : "(no reason given)"));
    }
  }
  // The team is idle (parked between rounds) when teardown runs.
  ~FunctionWorkload() override { ops_.teardown(state_); }

  double run(std::int64_t ops) override {
    return team_.run([this, ops](int member) {
      const int result = ops_.run(state_, share_of(ops, threads_, member), member);
      if (result != 0) {
        int expected = 0;
        failed_thread_.compare_exchange_strong(expected, member + 1);
        failed_result_.store(result, std::memory_order_relaxed);
      }
    });
  }

  Status end_repetition(MetricSink&, std::int64_t, double) override {
    if (const int thread = failed_thread_.load(); thread != 0) {
      return make_error(fmt::format("plugin function '{}': run() returned {} on thread {}", impl_.name,
                                    failed_result_.load(), thread - 1));
    }
    if (ops_.verify) {
      char message[1024] = "";
      if (ops_.verify(state_, message, sizeof message) != 0) {
        return make_error(fmt::format("plugin function '{}' failed its verification: {}", impl_.name,
                                      message[0] ? message : "(no reason given)"));
      }
    }
    return {};
  }

  nlohmann::json details() const override { return {{"verified", ops_.verify != nullptr}}; }

 private:
  const velo_impl& impl_;
  const velo_function_ops ops_;
  int threads_;
  void* state_ = nullptr;
  std::atomic<int> failed_thread_{0};
  std::atomic<int> failed_result_{0};
  ThreadTeam team_;
};

}  // namespace

Family make_function_family() {
  Family family;
  family.name = "function";
  family.doc = "user code from plugins: run(state, iterations, thread), checked by its own verify()";
  family.op = "one iteration of the plugin's run()";
  family.params = {
      {.name = "threads", .type = ParamType::integer, .default_value = std::int64_t{1},
       .doc = "threads calling run() at once, each with its share of the iterations", .min = 1, .max = 256},
  };
  return family;
}

Implementation function_implementation(const std::shared_ptr<const Loaded>& plugin, const LoadedImpl& impl) {
  Implementation out = implementation_base(*plugin, impl);
  out.make = [plugin, &impl](const Params& params) {
    return build_with(impl, plugin->identity, params, [&]() -> Made {
      return std::make_unique<FunctionWorkload>(params);
    });
  };
  return out;
}

}  // namespace velo::plugin
