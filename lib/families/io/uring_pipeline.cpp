#ifdef VELO_HAVE_LIBURING

#include "families/io/uring_pipeline.hpp"

#include <sys/uio.h>

#include <fmt/format.h>

#include <new>

#include "families/io/fd.hpp"

// Newer than liburing 2.3's headers; the kernel (6.2+) understands them.
#ifndef IORING_SEND_ZC_REPORT_USAGE
#define IORING_SEND_ZC_REPORT_USAGE (1U << 3)
#endif
#ifndef IORING_NOTIF_USAGE_ZC_COPIED
#define IORING_NOTIF_USAGE_ZC_COPIED (1U << 31)
#endif

namespace velo::io {
namespace {
constexpr std::size_t kAlignment = 4096;
// user_data: slot index * 2 + 1 for a write, + 0 for a read.
std::uint64_t tag(int index, bool write) { return static_cast<std::uint64_t>(index) * 2 + (write ? 1 : 0); }
}  // namespace

UringPipeline::~UringPipeline() {
  if (buffers_) ::operator delete(buffers_, std::align_val_t{kAlignment});
}

std::optional<CaseError> UringPipeline::open(const Transfer& transfer) {
  const auto chunk = static_cast<std::size_t>(transfer.chunk);
  buffers_ = static_cast<std::byte*>(
      ::operator new(chunk * static_cast<std::size_t>(depth_), std::align_val_t{kAlignment}));
  slots_.resize(static_cast<std::size_t>(depth_));
  std::vector<iovec> iovecs(slots_.size());
  for (std::size_t i = 0; i < slots_.size(); ++i) {
    slots_[i].buffer = buffers_ + i * chunk;
    iovecs[i] = {slots_[i].buffer, chunk};
  }
  // Per slot at most one read or one write plus one notification at a time.
  if (auto error = ring_.init(static_cast<unsigned>(2 * depth_))) return CaseError{*error};
  if (const int rc = io_uring_register_buffers(ring_.get(), iovecs.data(), static_cast<unsigned>(iovecs.size()));
      rc < 0) {
    // Registered buffers are pinned memory, limited by RLIMIT_MEMLOCK.
    return CaseError{fmt::format("io_uring_register_buffers({} x {} bytes): {}", depth_, chunk, errno_text(-rc)),
                     -rc == ENOMEM || -rc == EPERM};
  }
  return std::nullopt;
}

void UringPipeline::issue_read(const Transfer& transfer, int index) {
  Slot& slot = slots_[static_cast<std::size_t>(index)];
  io_uring_sqe* sqe = ring_.next_sqe();
  io_uring_prep_read_fixed(sqe, transfer.source, slot.buffer + slot.filled,
                           static_cast<unsigned>(slot.length - slot.filled),
                           static_cast<std::uint64_t>(slot.offset + slot.filled), index);
  io_uring_sqe_set_data64(sqe, tag(index, false));
  slot.state = State::reading;
  ++in_flight_;
}

void UringPipeline::issue_write(const Transfer& transfer, int index) {
  Slot& slot = slots_[static_cast<std::size_t>(index)];
  io_uring_sqe* sqe = ring_.next_sqe();
  const std::byte* data = slot.buffer + slot.written;
  const auto length = static_cast<unsigned>(slot.length - slot.written);
  if (output_ == Output::send_zc) {
    io_uring_prep_send_zc_fixed(sqe, transfer.dest, data, length, 0, IORING_SEND_ZC_REPORT_USAGE,
                                static_cast<unsigned>(index));
  } else {
    const std::uint64_t offset = transfer.dest_is_file() ? static_cast<std::uint64_t>(slot.offset + slot.written) : 0;
    io_uring_prep_write_fixed(sqe, transfer.dest, data, length, offset, index);
  }
  io_uring_sqe_set_data64(sqe, tag(index, true));
  slot.state = State::writing;
  ++in_flight_;
  if (!transfer.dest_is_file()) write_in_flight_ = true;
}

Expected<std::int64_t> UringPipeline::move(const Transfer& transfer) {
  std::int64_t next_read = 0;
  stream_position_ = 0;
  written_total_ = 0;
  write_in_flight_ = false;
  for (Slot& slot : slots_) slot = Slot{.buffer = slot.buffer};

  while (written_total_ < transfer.bytes || in_flight_ > 0) {
    for (int i = 0; i < depth_; ++i) {
      Slot& slot = slots_[static_cast<std::size_t>(i)];
      if (slot.state == State::idle && slot.notifications_pending == 0 && next_read < transfer.bytes) {
        slot.offset = next_read;
        slot.length = std::min(transfer.chunk, transfer.bytes - next_read);
        slot.filled = slot.written = 0;
        next_read += slot.length;
        issue_read(transfer, i);
      } else if (slot.state == State::read_pending) {
        issue_read(transfer, i);  // the rest of a short read
      }
    }
    for (int i = 0; i < depth_; ++i) {
      const Slot& slot = slots_[static_cast<std::size_t>(i)];
      if (slot.state != State::ready) continue;
      if (transfer.dest_is_file()) {
        issue_write(transfer, i);
      } else if (!write_in_flight_ && slot.offset + slot.written == stream_position_) {
        issue_write(transfer, i);
      }
    }
    if (in_flight_ == 0) {
      return make_error(fmt::format("io_uring pipeline stalled at {} of {} bytes", written_total_, transfer.bytes));
    }
    if (const int rc = ring_.submit_and_wait(1); rc < 0) {
      drain();
      return make_error("io_uring_submit_and_wait: " + errno_text(-rc));
    }
    if (Status reaped = reap(transfer); !reaped) {
      drain();
      return reaped.error();
    }
  }
  return written_total_;
}

Status UringPipeline::reap(const Transfer& transfer) {
  io_uring_cqe* cqe = nullptr;
  Status status;
  while (io_uring_peek_cqe(ring_.get(), &cqe) == 0) {
    const std::uint64_t data = io_uring_cqe_get_data64(cqe);
    const int res = cqe->res;
    const unsigned flags = cqe->flags;
    io_uring_cqe_seen(ring_.get(), cqe);
    Slot& slot = slots_[static_cast<std::size_t>(data / 2)];
    if (flags & IORING_CQE_F_NOTIF) {  // SEND_ZC released the buffer's pages
      --in_flight_;
      --slot.notifications_pending;
      ++notifications_;
      if (static_cast<unsigned>(res) & IORING_NOTIF_USAGE_ZC_COPIED) ++copied_notifications_;
      continue;
    }
    --in_flight_;
    if (flags & IORING_CQE_F_MORE) {  // a notification will follow
      ++in_flight_;
      ++slot.notifications_pending;
    }
    if (!status.ok()) continue;
    if (data % 2 == 0) {  // read
      if (res <= 0) {
        status = make_error(res == 0 ? fmt::format("source ended at {} of {} bytes", slot.offset + slot.filled,
                                                   transfer.bytes)
                                     : "io_uring read of the source: " + errno_text(-res));
        continue;
      }
      slot.filled += res;
      slot.state = slot.filled < slot.length ? State::read_pending : State::ready;
    } else {  // write or send
      if (!transfer.dest_is_file()) write_in_flight_ = false;
      if (res <= 0) {
        status = make_error(res == 0 ? std::string("io_uring write moved nothing")
                                     : "io_uring write to the destination: " + errno_text(-res));
        continue;
      }
      slot.written += res;
      written_total_ += res;
      if (!transfer.dest_is_file()) stream_position_ += res;
      slot.state = slot.written < slot.length ? State::ready : State::idle;
    }
  }
  return status;
}

void UringPipeline::drain() {
  while (in_flight_ > 0) {
    if (ring_.submit_and_wait(1) < 0) break;
    io_uring_cqe* cqe = nullptr;
    while (io_uring_peek_cqe(ring_.get(), &cqe) == 0) {
      const unsigned flags = cqe->flags;
      io_uring_cqe_seen(ring_.get(), cqe);
      if (!(flags & IORING_CQE_F_NOTIF) && (flags & IORING_CQE_F_MORE)) continue;  // its notification still comes
      --in_flight_;
    }
  }
  for (Slot& slot : slots_) slot = Slot{.buffer = slot.buffer};
}

}  // namespace velo::io

#endif
