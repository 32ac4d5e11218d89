// Compiled for the baseline architecture on purpose: it runs before any AVX2 code.
#include "train/cpu.h"

#if defined(__x86_64__) || defined(_M_X64)
#include <cpuid.h>
#endif

namespace shelfcast::train {

#if defined(SHELFCAST_TRAIN_ARCH) && (defined(__x86_64__) || defined(_M_X64))
namespace {
// F16C through CPUID (leaf 1, ECX bit 29): clang 14's __builtin_cpu_supports does not
// know "f16c" (a compile error that broke the clang fuzz build), gcc's does.
bool HasF16c() {
  unsigned a = 0, b = 0, c = 0, d = 0;
  return __get_cpuid(1, &a, &b, &c, &d) && (c & bit_F16C) != 0;
}
}  // namespace
#endif

std::string TrainerCpuProblem() {
#if defined(SHELFCAST_TRAIN_ARCH) && (defined(__x86_64__) || defined(_M_X64))
  __builtin_cpu_init();
  // x86-64-v3 = AVX, AVX2, BMI1, BMI2, F16C, FMA, LZCNT, MOVBE (+ v2); these are the ones
  // the compiler uses for the trainer's arithmetic.
  if (!__builtin_cpu_supports("avx2") || !__builtin_cpu_supports("fma") || !__builtin_cpu_supports("bmi2") ||
      !HasF16c())
    return std::string("this shelfcast was built with a trainer for ") + SHELFCAST_TRAIN_ARCH +
           " (AVX2, FMA), which this CPU lacks; rebuild with -DSHELFCAST_TRAIN_ARCH=\"\"";
#endif
  return {};
}

}  // namespace shelfcast::train
