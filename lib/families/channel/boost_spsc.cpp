// boost_spsc: boost::lockfree::spsc_queue (Boost.Lockfree, Debian libboost-dev), a
// wait-free single-producer single-consumer ring, as an outside reference for
// spsc_ring. Sized at run time to `capacity`; bulk push/pop serve `batch`.
#include <boost/lockfree/spsc_queue.hpp>

#include "families/channel/channel.hpp"
#include "families/channel/channel_workload.hpp"
#include "families/channel/waiting.hpp"

namespace velo::channel {
namespace {

template <typename M>
class BoostSpsc {
 public:
  using Message = M;
  explicit BoostSpsc(const ChannelConfig& config) : queue_(static_cast<std::size_t>(config.capacity)) {}

  bool try_push(int, const M& message) { return queue_.push(message); }
  bool try_pop(int, M& out) { return queue_.pop(out); }
  std::size_t try_push_bulk(int, const M* messages, std::size_t n) { return queue_.push(messages, n); }
  std::size_t try_pop_bulk(int, M* out, std::size_t max) { return queue_.pop(out, max); }

 private:
  boost::lockfree::spsc_queue<M> queue_;
};

template <typename M>
using BoostSpscChannel = Waiting<BoostSpsc<M>>;

}  // namespace

Implementation boost_spsc() {
  return {.name = "boost_spsc",
          .doc = "boost::lockfree::spsc_queue (outside reference for spsc_ring)",
          .params = {wait_param(), batch_param()},
          .case_unsupported = [](const Params& params) -> std::optional<std::string> {
            if (params.integer("producers") != 1 || params.integer("consumers") != 1) {
              return "a single-producer single-consumer queue: needs producers = consumers = 1";
            }
            return common_unsupported(params, 1);
          },
          .make = channel_factory<BoostSpscChannel>(true)};
}

}  // namespace velo::channel
