#include "core/file.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace shelfcast {

Result<std::vector<uint8_t>> ReadFileBytes(const std::string& path, size_t max_bytes) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return IoError(path + ": " + std::strerror(errno));
  std::vector<uint8_t> bytes;
  uint8_t buf[1 << 16];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    if (bytes.size() + n > max_bytes) {
      std::fclose(f);
      return LimitExceeded(path + ": file is larger than the cap of " + std::to_string(max_bytes) + " bytes");
    }
    bytes.insert(bytes.end(), buf, buf + n);
  }
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return IoError(path + ": read error");
  return bytes;
}

Status WriteFileAtomic(const std::string& path, const uint8_t* data, size_t size) {
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  std::FILE* f = std::fopen(tmp.c_str(), "wb");
  if (f == nullptr) return IoError(tmp + ": " + std::strerror(errno));
  const bool ok = std::fwrite(data, 1, size, f) == size && std::fflush(f) == 0 && ::fsync(fileno(f)) == 0;
  const bool closed = std::fclose(f) == 0;
  if (!ok || !closed) {
    std::remove(tmp.c_str());
    return IoError(path + ": write failed");
  }
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    const std::string why = std::strerror(errno);
    std::remove(tmp.c_str());
    return IoError(path + ": " + why);
  }
  return Status::Ok();
}

Status WriteFileAtomic(const std::string& path, const std::string& text) {
  return WriteFileAtomic(path, reinterpret_cast<const uint8_t*>(text.data()), text.size());
}

}  // namespace shelfcast
