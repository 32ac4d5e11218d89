// Ctrl-C for long-running subcommands (train, compress prune): while a ScopedInterrupt
// lives, the first SIGINT only raises a flag that the trainer checks after each
// mini-batch, so the command can stop cleanly and write its best result atomically; a
// second SIGINT ends the process at once (the default action). The previous handler is
// restored on destruction.
#pragma once

#include <atomic>

namespace shelfcast::cli {

class ScopedInterrupt {
 public:
  ScopedInterrupt();
  ~ScopedInterrupt();
  ScopedInterrupt(const ScopedInterrupt&) = delete;
  ScopedInterrupt& operator=(const ScopedInterrupt&) = delete;

  const std::atomic<bool>* flag() const;

 private:
  void (*previous_)(int);
};

}  // namespace shelfcast::cli
