// Compiled for the baseline architecture on purpose: it runs before any AVX2 code.
#include "train/cpu.h"

namespace shelfcast::train {

std::string TrainerCpuProblem() {
#if defined(SHELFCAST_TRAIN_ARCH) && (defined(__x86_64__) || defined(_M_X64))
  __builtin_cpu_init();
  // x86-64-v3 = AVX, AVX2, BMI1, BMI2, F16C, FMA, LZCNT, MOVBE (+ v2); these are the ones
  // the compiler uses for the trainer's arithmetic.
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma") || !__builtin_cpu_supports("bmi2") ||
      !__builtin_cpu_supports("f16c"))
    return std::string("this shelfcast was built with a trainer for ") + SHELFCAST_TRAIN_ARCH +
           " (AVX2, FMA), which this CPU lacks; rebuild with -DSHELFCAST_TRAIN_ARCH=\"\"";
#endif
  return {};
}

}  // namespace shelfcast::train
