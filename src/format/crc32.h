// CRC-32 (IEEE 802.3, the zlib/PNG polynomial 0xEDB88320, reflected, init and final XOR
// 0xFFFFFFFF). Check value: Crc32("123456789") == 0xCBF43926.
#pragma once

#include <cstddef>
#include <cstdint>

namespace shelfcast {

uint32_t Crc32(const uint8_t* data, size_t size, uint32_t crc = 0);

}  // namespace shelfcast
