#include "cli/interrupt.h"

#include <csignal>

namespace shelfcast::cli {
namespace {

// Lock-free, so storing to it is async-signal-safe.
std::atomic<bool> g_interrupted{false};
static_assert(std::atomic<bool>::is_always_lock_free);

extern "C" void OnInterrupt(int) {
  g_interrupted.store(true);
  std::signal(SIGINT, SIG_DFL);
}

}  // namespace

ScopedInterrupt::ScopedInterrupt() {
  g_interrupted.store(false);
  previous_ = std::signal(SIGINT, OnInterrupt);
}

ScopedInterrupt::~ScopedInterrupt() { std::signal(SIGINT, previous_ == SIG_ERR ? SIG_DFL : previous_); }

const std::atomic<bool>* ScopedInterrupt::flag() const { return &g_interrupted; }

}  // namespace shelfcast::cli
