#include "interop/keras/hdf5_reader.h"

#include <hdf5.h>

#include <cstring>
#include <memory>

namespace shelfcast::keras {
namespace {

static_assert(sizeof(hid_t) == sizeof(int64_t), "Hdf5Reader stores a hid_t in an int64_t");

// Closes an HDF5 identifier with the matching H5*close when it goes out of scope.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle(hid_t id, Closer close) : id_(id), close_(close) {}
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;
  ~Handle() {
    if (id_ >= 0) close_(id_);
  }
  hid_t get() const { return id_; }
  bool ok() const { return id_ >= 0; }

 private:
  hid_t id_;
  Closer close_;
};

// libhdf5 prints its error stack to stderr by default; the reader reports errors itself.
void SilenceLibraryErrors() {
  static const bool silenced = [] {
    H5open();
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    return true;
  }();
  (void)silenced;
}

std::string Shape(const std::vector<uint64_t>& dims) {
  if (dims.empty()) return "scalar";
  std::string s;
  for (size_t i = 0; i < dims.size(); ++i) s += (i ? "x" : "") + std::to_string(dims[i]);
  return s;
}

std::string TypeName(hid_t type) {
  const H5T_class_t cls = H5Tget_class(type);
  const size_t size = H5Tget_size(type);
  switch (cls) {
    case H5T_FLOAT: return "float" + std::to_string(8 * size);
    case H5T_INTEGER: return std::string(H5Tget_sign(type) == H5T_SGN_NONE ? "uint" : "int") + std::to_string(8 * size);
    case H5T_STRING: return "string";
    case H5T_COMPOUND: return "compound";
    case H5T_ARRAY: return "array";
    case H5T_VLEN: return "vlen";
    case H5T_ENUM: return "enum";
    case H5T_OPAQUE: return "opaque";
    case H5T_REFERENCE: return "reference";
    case H5T_BITFIELD: return "bitfield";
    case H5T_TIME: return "time";
    default: return "unknown";
  }
}

// Extents of a dataspace; false for null or non-simple spaces and ranks above 8.
bool Extents(hid_t space, std::vector<uint64_t>* dims) {
  const H5S_class_t cls = H5Sget_simple_extent_type(space);
  if (cls == H5S_SCALAR) {
    dims->clear();
    return true;
  }
  if (cls != H5S_SIMPLE) return false;
  const int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 0 || rank > 8) return false;
  hsize_t d[8];
  if (H5Sget_simple_extent_dims(space, d, nullptr) < 0) return false;
  dims->assign(d, d + rank);
  return true;
}

std::string TrimPadding(const char* p, size_t n) {
  size_t len = 0;
  while (len < n && p[len] != '\0') ++len;
  return std::string(p, len);
}

// Reads `count` strings of attribute `attr` whose file type is `type`.
Status ReadStrings(hid_t attr, hid_t type, uint64_t count, const std::string& where, std::vector<std::string>* out) {
  out->clear();
  if (count == 0) return Status::Ok();
  const htri_t variable = H5Tis_variable_str(type);
  if (variable < 0) return InvalidData(where + ": unreadable string type");
  Handle memtype(H5Tcopy(H5T_C_S1), H5Tclose);
  if (!memtype.ok()) return Internal(where + ": cannot make a string type");
  if (variable) {
    H5Tset_size(memtype.get(), H5T_VARIABLE);
    std::vector<char*> ptrs(count, nullptr);
    if (H5Aread(attr, memtype.get(), ptrs.data()) < 0) return InvalidData(where + ": cannot read the strings");
    Status status = Status::Ok();
    size_t total = 0;
    for (char* p : ptrs) {
      const size_t n = p ? strnlen(p, Hdf5Reader::kMaxStringBytes + 1) : 0;
      total += n;
      if (n > Hdf5Reader::kMaxStringBytes || total > Hdf5Reader::kMaxStringBytes) {
        status = LimitExceeded(where + ": strings longer than the cap of " +
                               std::to_string(Hdf5Reader::kMaxStringBytes) + " bytes");
        break;
      }
      out->emplace_back(p ? p : "", n);
    }
    Handle space(H5Aget_space(attr), H5Sclose);
    if (space.ok()) H5Dvlen_reclaim(memtype.get(), space.get(), H5P_DEFAULT, ptrs.data());
    return status;
  }
  const size_t size = H5Tget_size(type);
  if (size == 0 || size > Hdf5Reader::kMaxStringBytes || count * size > Hdf5Reader::kMaxStringBytes)
    return LimitExceeded(where + ": strings longer than the cap of " + std::to_string(Hdf5Reader::kMaxStringBytes) +
                         " bytes");
  H5Tset_size(memtype.get(), size);
  H5Tset_strpad(memtype.get(), H5T_STR_NULLPAD);
  std::vector<char> buf(count * size);
  if (H5Aread(attr, memtype.get(), buf.data()) < 0) return InvalidData(where + ": cannot read the strings");
  for (uint64_t i = 0; i < count; ++i) out->push_back(TrimPadding(buf.data() + i * size, size));
  return Status::Ok();
}

}  // namespace

Result<Hdf5Reader> Hdf5Reader::Open(std::vector<uint8_t> bytes) {
  SilenceLibraryErrors();
  if (bytes.size() > kMaxFileBytes)
    return LimitExceeded("HDF5 file of " + std::to_string(bytes.size()) + " bytes exceeds the cap of " +
                         std::to_string(kMaxFileBytes));
  static const uint8_t kSignature[8] = {0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};
  if (bytes.size() < 8 || std::memcmp(bytes.data(), kSignature, 8) != 0)
    return InvalidData("not an HDF5 file (no HDF5 signature at byte 0)");
  // The core (in-memory) driver on a copy of the bytes, without a backing file: nothing is
  // read from or written to disk.
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  if (!fapl.ok() || H5Pset_fapl_core(fapl.get(), 1 << 20, 0) < 0 ||
      H5Pset_file_image(fapl.get(), bytes.data(), bytes.size()) < 0)
    return Internal("cannot set up libhdf5's in-memory driver");
  const hid_t file = H5Fopen("keras-model.h5", H5F_ACC_RDONLY, fapl.get());
  if (file < 0) return InvalidData("libhdf5 cannot open the file (corrupt or truncated HDF5)");
  return Hdf5Reader(file);
}

Hdf5Reader::Hdf5Reader(Hdf5Reader&& other) noexcept : file_(other.file_) { other.file_ = -1; }

Hdf5Reader& Hdf5Reader::operator=(Hdf5Reader&& other) noexcept {
  if (this != &other) {
    if (file_ >= 0) H5Fclose(file_);
    file_ = other.file_;
    other.file_ = -1;
  }
  return *this;
}

Hdf5Reader::~Hdf5Reader() {
  if (file_ >= 0) H5Fclose(file_);
}

Status Hdf5Reader::CheckHardLinks(const std::string& path) const {
  if (path.empty() || path[0] != '/') return Internal("HDF5 path '" + path + "' is not absolute");
  size_t pos = 1;
  while (pos < path.size()) {
    size_t next = path.find('/', pos);
    if (next == std::string::npos) next = path.size();
    const std::string prefix = path.substr(0, next);
    const htri_t exists = H5Lexists(file_, prefix.c_str(), H5P_DEFAULT);
    if (exists <= 0) return InvalidData(prefix + ": not found");
    H5L_info_t info;
    if (H5Lget_info(file_, prefix.c_str(), &info, H5P_DEFAULT) < 0) return InvalidData(prefix + ": unreadable link");
    if (info.type != H5L_TYPE_HARD)
      return Unsupported(prefix + ": is a soft or external link; shelfcast reads only plain groups and datasets");
    pos = next + 1;
  }
  return Status::Ok();
}

bool Hdf5Reader::IsGroup(const std::string& path) const {
  if (path == "/") return true;
  if (!CheckHardLinks(path).ok()) return false;
  Handle obj(H5Oopen(file_, path.c_str(), H5P_DEFAULT), H5Oclose);
  return obj.ok() && H5Iget_type(obj.get()) == H5I_GROUP;
}

bool Hdf5Reader::IsDataset(const std::string& path) const {
  if (!CheckHardLinks(path).ok()) return false;
  Handle obj(H5Oopen(file_, path.c_str(), H5P_DEFAULT), H5Oclose);
  return obj.ok() && H5Iget_type(obj.get()) == H5I_DATASET;
}

bool Hdf5Reader::HasAttribute(const std::string& path, const std::string& name) const {
  if (path != "/" && !CheckHardLinks(path).ok()) return false;
  return H5Aexists_by_name(file_, path.c_str(), name.c_str(), H5P_DEFAULT) > 0;
}

Result<std::vector<std::string>> Hdf5Reader::Members(const std::string& group) const {
  if (group != "/") SHELFCAST_RETURN_IF_ERROR(CheckHardLinks(group));
  Handle g(H5Gopen2(file_, group.c_str(), H5P_DEFAULT), H5Gclose);
  if (!g.ok()) return InvalidData(group + ": not a group");
  H5G_info_t info;
  if (H5Gget_info(g.get(), &info) < 0) return InvalidData(group + ": unreadable group");
  if (info.nlinks > kMaxListEntries)
    return LimitExceeded(group + ": " + std::to_string(info.nlinks) + " members exceed the cap of " +
                         std::to_string(kMaxListEntries));
  std::vector<std::string> names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t n = H5Lget_name_by_idx(g.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (n < 0 || static_cast<size_t>(n) > kMaxStringBytes) return InvalidData(group + ": unreadable member name");
    std::string name(static_cast<size_t>(n) + 1, '\0');
    H5Lget_name_by_idx(g.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, &name[0], name.size(), H5P_DEFAULT);
    name.resize(static_cast<size_t>(n));
    names.push_back(std::move(name));
  }
  return names;
}

Result<std::string> Hdf5Reader::StringAttribute(const std::string& path, const std::string& name) const {
  const std::string where = (path == "/" ? std::string("/") : path + "/") + "@" + name;
  if (!HasAttribute(path, name)) return InvalidData(where + ": attribute not found");
  Handle attr(H5Aopen_by_name(file_, path.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if (!attr.ok()) return InvalidData(where + ": unreadable attribute");
  Handle type(H5Aget_type(attr.get()), H5Tclose);
  Handle space(H5Aget_space(attr.get()), H5Sclose);
  std::vector<uint64_t> dims;
  if (!type.ok() || !space.ok() || !Extents(space.get(), &dims)) return InvalidData(where + ": unreadable attribute");
  if (H5Tget_class(type.get()) != H5T_STRING)
    return InvalidData(where + ": is " + TypeName(type.get()) + ", expected a string");
  if (!dims.empty() && !(dims.size() == 1 && dims[0] == 1))
    return InvalidData(where + ": holds " + Shape(dims) + " strings, expected one");
  std::vector<std::string> strings;
  SHELFCAST_RETURN_IF_ERROR(ReadStrings(attr.get(), type.get(), 1, where, &strings));
  return strings.front();
}

Result<std::vector<std::string>> Hdf5Reader::StringListAttribute(const std::string& path,
                                                                  const std::string& name) const {
  const std::string where = (path == "/" ? std::string("/") : path + "/") + "@" + name;
  if (!HasAttribute(path, name)) return InvalidData(where + ": attribute not found");
  Handle attr(H5Aopen_by_name(file_, path.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if (!attr.ok()) return InvalidData(where + ": unreadable attribute");
  Handle type(H5Aget_type(attr.get()), H5Tclose);
  Handle space(H5Aget_space(attr.get()), H5Sclose);
  std::vector<uint64_t> dims;
  if (!type.ok() || !space.ok() || !Extents(space.get(), &dims)) return InvalidData(where + ": unreadable attribute");
  if (dims.size() > 1) return InvalidData(where + ": is " + Shape(dims) + ", expected a list");
  const uint64_t count = dims.empty() ? 1 : dims[0];
  if (count == 0) return std::vector<std::string>();
  if (H5Tget_class(type.get()) != H5T_STRING)
    return InvalidData(where + ": is " + TypeName(type.get()) + ", expected strings");
  if (count > kMaxListEntries)
    return LimitExceeded(where + ": " + std::to_string(count) + " entries exceed the cap of " +
                         std::to_string(kMaxListEntries));
  std::vector<std::string> strings;
  SHELFCAST_RETURN_IF_ERROR(ReadStrings(attr.get(), type.get(), count, where, &strings));
  return strings;
}

Result<Hdf5DatasetInfo> Hdf5Reader::DescribeDataset(const std::string& path) const {
  SHELFCAST_RETURN_IF_ERROR(CheckHardLinks(path));
  Handle ds(H5Dopen2(file_, path.c_str(), H5P_DEFAULT), H5Dclose);
  if (!ds.ok()) return InvalidData(path + ": not a dataset");
  Handle type(H5Dget_type(ds.get()), H5Tclose);
  Handle space(H5Dget_space(ds.get()), H5Sclose);
  Hdf5DatasetInfo info;
  if (!type.ok() || !space.ok() || !Extents(space.get(), &info.dims)) return InvalidData(path + ": unreadable dataset");
  info.type = TypeName(type.get());
  return info;
}

Result<Hdf5Array> Hdf5Reader::FloatDataset(const std::string& path, int rank) const {
  SHELFCAST_RETURN_IF_ERROR(CheckHardLinks(path));
  Handle ds(H5Dopen2(file_, path.c_str(), H5P_DEFAULT), H5Dclose);
  if (!ds.ok()) return InvalidData(path + ": not a dataset");
  Handle type(H5Dget_type(ds.get()), H5Tclose);
  Handle space(H5Dget_space(ds.get()), H5Sclose);
  Handle dcpl(H5Dget_create_plist(ds.get()), H5Pclose);
  Hdf5Array out;
  if (!type.ok() || !space.ok() || !dcpl.ok() || !Extents(space.get(), &out.dims))
    return InvalidData(path + ": unreadable dataset");
  // Both would make libhdf5 read other files named inside this one.
  if (H5Pget_layout(dcpl.get()) == H5D_VIRTUAL)
    return Unsupported(path + ": is a virtual dataset (it maps other files); not read");
  if (H5Pget_external_count(dcpl.get()) != 0)
    return Unsupported(path + ": stores its data in external files; not read");
  if (H5Tget_class(type.get()) != H5T_FLOAT || H5Tget_size(type.get()) != 4)
    return Unsupported(path + ": is " + TypeName(type.get()) +
                       "; shelfcast runs float32 weights and imports only what it runs exactly");
  if (out.dims.size() != static_cast<size_t>(rank))
    return InvalidData(path + ": has shape " + Shape(out.dims) + ", expected rank " + std::to_string(rank));
  uint64_t count = 1;
  for (uint64_t d : out.dims) {
    if (d > kMaxDatasetElements || (count *= d) > kMaxDatasetElements)
      return LimitExceeded(path + ": shape " + Shape(out.dims) + " exceeds the cap of " +
                           std::to_string(kMaxDatasetElements) + " elements");
  }
  out.values.resize(count);
  if (count > 0 && H5Dread(ds.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, out.values.data()) < 0)
    return InvalidData(path + ": cannot read the data (corrupt storage or an unavailable filter)");
  return out;
}

}  // namespace shelfcast::keras
