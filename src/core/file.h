// File helpers for the native toolchain (not in the wasm runtime).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace shelfcast {

// Reads a whole file, refusing files larger than max_bytes (kLimitExceeded).
Result<std::vector<uint8_t>> ReadFileBytes(const std::string& path, size_t max_bytes);

// Writes to "<path>.tmp-<pid>" then renames over path, so a reader (or a crash, or
// Ctrl-C) never sees a half-written file. The temp file is removed on failure.
Status WriteFileAtomic(const std::string& path, const uint8_t* data, size_t size);
Status WriteFileAtomic(const std::string& path, const std::string& text);

}  // namespace shelfcast
