// A read-only view of an HDF5 file held in memory, over libhdf5, for the Keras importer.
//
//   Result<Hdf5Reader> h5 = Hdf5Reader::Open(std::move(bytes));
//   Result<std::string> config = h5->StringAttribute("/", "model_config");
//   Result<Hdf5Array> kernel = h5->FloatDataset("/model_weights/lstm/lstm/kernel:0", 2);
//
// The file is untrusted input. The reader only follows hard links (a soft or external link
// or an external / virtual dataset could make libhdf5 read other files on the machine),
// checks every dataset's class, element size, rank and extents before reading, caps
// element and string counts, and names the path inside the file in every error.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"

namespace shelfcast::keras {

// A float32 dataset: dims (rank 1 or 2) and values in row-major order.
struct Hdf5Array {
  std::vector<uint64_t> dims;
  std::vector<float> values;
};

// What a dataset is, without reading it (for inspect).
struct Hdf5DatasetInfo {
  std::vector<uint64_t> dims;
  std::string type;  // "float32", "float64", "int64", "string", ...
};

class Hdf5Reader {
 public:
  // Caps: the whole file, elements of one dataset, entries of one group or attribute,
  // bytes of one string.
  static constexpr size_t kMaxFileBytes = 64u << 20;
  static constexpr uint64_t kMaxDatasetElements = 4u << 20;
  static constexpr uint64_t kMaxListEntries = 10000;
  static constexpr size_t kMaxStringBytes = 4u << 20;

  static Result<Hdf5Reader> Open(std::vector<uint8_t> bytes);

  Hdf5Reader(Hdf5Reader&& other) noexcept;
  Hdf5Reader& operator=(Hdf5Reader&& other) noexcept;
  Hdf5Reader(const Hdf5Reader&) = delete;
  Hdf5Reader& operator=(const Hdf5Reader&) = delete;
  ~Hdf5Reader();

  // Paths are absolute ("/model_weights/lstm"). Exists() is false for anything reached
  // through a soft or external link.
  bool IsGroup(const std::string& path) const;
  bool IsDataset(const std::string& path) const;
  bool HasAttribute(const std::string& path, const std::string& name) const;

  // The names of a group's members, in name order.
  Result<std::vector<std::string>> Members(const std::string& group) const;
  // A scalar string attribute (fixed-length or variable-length).
  Result<std::string> StringAttribute(const std::string& path, const std::string& name) const;
  // A one-dimensional string attribute; an empty attribute of any type (h5py writes an
  // empty list as an empty float64 array) is an empty list.
  Result<std::vector<std::string>> StringListAttribute(const std::string& path, const std::string& name) const;

  Result<Hdf5DatasetInfo> DescribeDataset(const std::string& path) const;
  // A float32 dataset of the given rank (1 or 2). Other types are refused, not converted:
  // the importer only takes what shelfcast runs exactly.
  Result<Hdf5Array> FloatDataset(const std::string& path, int rank) const;

 private:
  explicit Hdf5Reader(int64_t file) : file_(file) {}
  Status CheckHardLinks(const std::string& path) const;

  int64_t file_ = -1;  // hid_t
};

}  // namespace shelfcast::keras
