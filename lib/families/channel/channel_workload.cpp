#include "families/channel/channel_workload.hpp"

namespace velo::channel {

std::string Fault::describe(int consumer) const {
  switch (kind) {
    case none: return "no fault";
    case unknown_producer:
      return fmt::format("consumer {} received a message stamped by unknown producer {}", consumer, producer);
    case out_of_range:
      return fmt::format("consumer {} received producer {}'s message #{}, which was never sent", consumer,
                         producer, seq);
    case out_of_order:
      return fmt::format("consumer {} received producer {}'s message #{} after #{}: not FIFO per producer "
                         "(or a duplicate)", consumer, producer, seq, previous);
    case torn:
      return fmt::format("consumer {}: producer {}'s message #{} arrived torn (its two stamps disagree)",
                         consumer, producer, seq);
    case corrupt:
      return fmt::format("consumer {}: producer {}'s message #{} arrived with a corrupted payload", consumer,
                         producer, seq);
  }
  return "unknown fault";
}

WorkloadShape shape_of(const Params& params, bool fifo_per_producer) {
  WorkloadShape shape;
  const bool pingpong = params.text("pattern") == "pingpong";
  shape.producers = pingpong ? 1 : static_cast<int>(params.integer("producers"));
  shape.consumers = pingpong ? 1 : static_cast<int>(params.integer("consumers"));
  shape.batch = params.has("batch") ? params.integer("batch") : 1;
  shape.fifo_per_producer = fifo_per_producer;
  shape.channel.capacity = params.integer("capacity");
  shape.channel.senders = shape.producers + shape.consumers;
  shape.channel.receivers = shape.consumers;
  if (params.has("wait")) shape.channel.wait = parse_wait(params.text("wait")).value_or(Wait::park);
  return shape;
}

void add_latency_metrics(MetricSink& sink, std::vector<std::int64_t>& samples, const char* p50,
                         const char* p99, const char* p999, const char* max) {
  if (samples.empty()) return;  // not measured: nothing reported
  std::sort(samples.begin(), samples.end());
  sink.add(p50, percentile_of_sorted(samples, 0.50));
  // A tail percentile from too few samples is just the maximum under another name.
  if (p99 && samples.size() >= 100) sink.add(p99, percentile_of_sorted(samples, 0.99));
  if (p999 && samples.size() >= 1000) sink.add(p999, percentile_of_sorted(samples, 0.999));
  if (max) sink.add(max, static_cast<double>(samples.back()));
}

}  // namespace velo::channel
