#include "cli/cli_util.h"

#include "core/file.h"
#include "core/limits.h"
#include "format/reader.h"

namespace shelfcast::cli {

void Check(const Status& status) {
  if (!status.ok()) throw CommandError(status.message());
}

Model LoadModelFile(const std::string& path, size_t* file_bytes) {
  std::vector<uint8_t> bytes = Check(ReadFileBytes(path, limits::kMaxModelBytes));
  if (file_bytes) *file_bytes = bytes.size();
  Result<Model> model = ReadModel(bytes.data(), bytes.size());
  Check(model.status().WithContext(path));
  return std::move(model).value();
}

size_t SaveModelFile(const Model& model, const std::string& path) {
  std::vector<uint8_t> bytes = Check(WriteModel(model));
  Check(WriteFileAtomic(path, bytes.data(), bytes.size()));
  return bytes.size();
}

std::string WithThousands(size_t n) {
  std::string s = std::to_string(n);
  for (int i = static_cast<int>(s.size()) - 3; i > 0; i -= 3) s.insert(static_cast<size_t>(i), ",");
  return s;
}

}  // namespace shelfcast::cli
