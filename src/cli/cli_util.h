// Small helpers shared by the CLI subcommands.
#pragma once

#include <stdexcept>
#include <string>

#include "core/status.h"
#include "format/model.h"

namespace shelfcast::cli {

// Thrown by subcommands to stop with a message and exit code 1 (main prints it).
struct CommandError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Throws CommandError with the status message when not ok.
void Check(const Status& status);
template <typename T>
T Check(Result<T> result) {
  Check(result.status());
  return std::move(result).value();
}

// Reads and validates a model file (the one reader), with the path in any error.
Model LoadModelFile(const std::string& path, size_t* file_bytes = nullptr);
// Validates, serialises and writes a model atomically; returns the file's bytes.
size_t SaveModelFile(const Model& model, const std::string& path);

// 16961 -> "16,961"
std::string WithThousands(size_t n);

}  // namespace shelfcast::cli
