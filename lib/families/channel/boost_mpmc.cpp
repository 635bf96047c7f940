// boost_mpmc: boost::lockfree::queue (Boost.Lockfree, Debian libboost-dev), the
// Michael & Scott lock-free linked queue with a node free list. fixed_sized<true>
// preallocates `capacity` nodes and makes push fail, not allocate, when they are
// used up, so the queue is bounded and nothing is allocated while measuring. Node
// links are 16-bit indices, so capacity is at most 65534.
#include <boost/lockfree/queue.hpp>

#include "families/channel/channel.hpp"
#include "families/channel/channel_workload.hpp"
#include "families/channel/waiting.hpp"

namespace velo::channel {
namespace {

constexpr std::int64_t kMaxBoostNodes = 65534;

template <typename M>
class BoostMpmc {
 public:
  using Message = M;
  explicit BoostMpmc(const ChannelConfig& config) : queue_(static_cast<std::size_t>(config.capacity)) {}

  bool try_push(int, const M& message) { return queue_.bounded_push(message); }
  bool try_pop(int, M& out) { return queue_.pop(out); }

 private:
  boost::lockfree::queue<M, boost::lockfree::fixed_sized<true>> queue_;
};

template <typename M>
using BoostMpmcChannel = Waiting<BoostMpmc<M>>;

}  // namespace

Implementation boost_mpmc() {
  return {.name = "boost_mpmc",
          .doc = "boost::lockfree::queue, fixed-size node pool (Michael & Scott queue)",
          .params = {wait_param()},
          .case_unsupported = [](const Params& params) -> std::optional<std::string> {
            if (auto reason = common_unsupported(params, 1)) return reason;
            if (params.integer("capacity") > kMaxBoostNodes) {
              return "boost::lockfree::queue with a fixed node pool holds at most 65534 nodes";
            }
            return std::nullopt;
          },
          .make = channel_factory<BoostMpmcChannel>(true)};
}

}  // namespace velo::channel
