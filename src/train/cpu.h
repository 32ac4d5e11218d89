// Whether this CPU can run the trainer's compiled code (see src/train/CMakeLists.txt:
// the Eigen code may be built for x86-64-v3).
#pragma once

#include <string>

namespace shelfcast::train {

// Empty when the trainer can run here, else a message naming what is missing.
std::string TrainerCpuProblem();

}  // namespace shelfcast::train
