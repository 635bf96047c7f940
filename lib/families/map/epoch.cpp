#include "families/map/epoch.hpp"

namespace velo::map {

EpochDomain::EpochDomain(int participants)
    : count_(participants), participants_(std::make_unique<Participant[]>(static_cast<std::size_t>(participants))) {
  for (int p = 0; p < count_; ++p) participants_[p].limbo.reserve(4 * kCollectEvery);
}

EpochDomain::~EpochDomain() {
  for (int p = 0; p < count_; ++p) {
    Participant& participant = participants_[p];
    for (std::size_t i = participant.freed; i < participant.limbo.size(); ++i) {
      participant.limbo[i].destroy(participant.limbo[i].object);
    }
  }
}

void EpochDomain::retire(int participant, void* object, void (*destroy)(void*)) {
  Participant& self = participants_[participant];
  self.limbo.push_back({object, destroy, global_.load(std::memory_order_seq_cst)});
  if (++self.since_collect >= kCollectEvery) collect(participant);
}

bool EpochDomain::try_advance() {
  std::uint64_t epoch = global_.load(std::memory_order_seq_cst);
  for (int p = 0; p < count_; ++p) {
    const std::uint64_t announced = participants_[p].epoch.load(std::memory_order_seq_cst);
    if (announced != kQuiescent && announced != epoch) return false;
  }
  return global_.compare_exchange_strong(epoch, epoch + 1, std::memory_order_seq_cst);
}

void EpochDomain::collect(int participant) {
  Participant& self = participants_[participant];
  self.since_collect = 0;
  try_advance();
  const std::uint64_t epoch = global_.load(std::memory_order_seq_cst);
  auto& limbo = self.limbo;
  while (self.freed < limbo.size() && limbo[self.freed].epoch + 2 <= epoch) {
    limbo[self.freed].destroy(limbo[self.freed].object);
    ++self.freed;
  }
  // Drop the destroyed prefix once it is most of the list (amortised O(1)).
  if (self.freed > limbo.size() / 2) {
    limbo.erase(limbo.begin(), limbo.begin() + static_cast<std::ptrdiff_t>(self.freed));
    self.freed = 0;
  }
}

std::size_t EpochDomain::pending(int participant) const {
  const Participant& self = participants_[participant];
  return self.limbo.size() - self.freed;
}

}  // namespace velo::map
