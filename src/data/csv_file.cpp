// ReadSalesCsvFile: the native file entry point of the CSV reader (toolchain only; the
// wasm module gets its text from JS and calls SalesCsvParser itself).
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "data/csv.h"

namespace shelfcast {

Result<SalesData> ReadSalesCsvFile(const std::string& path, const CsvOptions& options) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return IoError(path + ": " + std::strerror(errno));
  SalesCsvParser parser(options);
  // A file known to be over the byte cap is refused before reading any of it.
  struct stat info;
  if (::fstat(fileno(f), &info) == 0 && S_ISREG(info.st_mode)) {
    const Status size = parser.CheckSize(static_cast<uint64_t>(info.st_size));
    if (!size.ok()) {
      std::fclose(f);
      return size.WithContext(path);
    }
  }
  std::vector<char> buffer(size_t{1} << 20);
  Status status;
  size_t n;
  while (status.ok() && (n = std::fread(buffer.data(), 1, buffer.size(), f)) > 0)
    status = parser.Feed(std::string_view(buffer.data(), n));
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) return IoError(path + ": read error");
  if (!status.ok()) return status.WithContext(path);
  Result<SalesData> data = parser.Finish();
  if (!data.ok()) return data.status().WithContext(path);
  return data;
}

}  // namespace shelfcast
