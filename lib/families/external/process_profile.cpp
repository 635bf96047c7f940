#include "families/external/process_profile.hpp"

#include <utility>

namespace velo {
namespace {
thread_local ProcessProfileSlot* t_open = nullptr;
}  // namespace

ProcessProfileSlot::ProcessProfileSlot(std::optional<ProcessProfileRequest> request) : request_(request) {
  t_open = this;
}

ProcessProfileSlot::~ProcessProfileSlot() {
  if (t_open == this) t_open = nullptr;
}

std::optional<ProcessProfileRequest> ProcessProfileSlot::request() {
  return t_open ? t_open->request_ : std::nullopt;
}

void ProcessProfileSlot::deliver(ProcessProfile profile) {
  if (t_open && t_open->request_) t_open->delivered_ = std::move(profile);
}

}  // namespace velo
