// The bytes the model fuzz targets parse: the fuzzer's input with the header's CRC32
// recomputed over the payload. Without the repair almost every mutation of the payload
// stops at the checksum and the parser behind it goes unexplored (model_read also parses
// each input as it is, so the checksum check itself stays fuzzed).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "format/crc32.h"
#include "format/reader.h"

namespace shelfcast::fuzzing {

inline std::vector<uint8_t> WithValidCrc(const uint8_t* data, size_t size) {
  std::vector<uint8_t> bytes(data, data + size);
  if (size >= kModelHeaderBytes) {
    const uint32_t crc = Crc32(bytes.data() + kModelHeaderBytes, size - kModelHeaderBytes);
    for (int i = 0; i < 4; ++i) bytes[12 + i] = static_cast<uint8_t>(crc >> (8 * i));
  }
  return bytes;
}

}  // namespace shelfcast::fuzzing
