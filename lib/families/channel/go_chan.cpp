// go_chan: the Go runtime's channel (see go_channel.hpp), driven by the shared
// workload. Blocking is built in (parked waiters), so it takes no `wait` parameter;
// capacity 0 is a rendezvous.
#include "families/channel/channel.hpp"
#include "families/channel/channel_workload.hpp"
#include "families/channel/go_channel.hpp"

namespace velo::channel {
namespace {

template <typename M>
class GoChan {
 public:
  using Message = M;
  explicit GoChan(const ChannelConfig& config) : channel_(config.capacity) {}
  // The workload never closes the channel, so send and recv always succeed.
  void send(int, const M& message) { channel_.send(message); }
  bool try_recv(int, M& out) { return channel_.try_recv(out) == ChanStatus::ok; }
  void recv(int, M& out) { channel_.recv(out); }

 private:
  GoChannel<M> channel_;
};

}  // namespace

Implementation go_chan() {
  return {.name = "go_chan",
          .doc = "Go runtime hchan: one mutex, ring buffer, parked senders/receivers, direct hand-off",
          .case_unsupported = [](const Params& params) { return common_unsupported(params, 0); },
          .make = channel_factory<GoChan>(true)};
}

}  // namespace velo::channel
