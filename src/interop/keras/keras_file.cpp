#include "interop/keras/keras_file.h"

#include <zip.h>

#include <cctype>
#include <cstring>
#include <memory>

#include <nlohmann/json.hpp>

#include "core/file.h"

namespace shelfcast::keras {
namespace {

bool StartsWith(const std::vector<uint8_t>& bytes, const char* magic, size_t n) {
  return bytes.size() >= n && std::memcmp(bytes.data(), magic, n) == 0;
}

struct ZipCloser {
  void operator()(zip_t* z) const { zip_discard(z); }
};
struct ZipFileCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};

// One member of the archive, refused when its declared size is over `cap`; the bytes
// read must match the declared size (libzip checks the CRC when the member ends).
Result<std::vector<uint8_t>> ReadMember(zip_t* zip, const char* name, size_t cap, bool* found) {
  *found = false;
  const zip_int64_t index = zip_name_locate(zip, name, 0);
  if (index < 0) return std::vector<uint8_t>();
  *found = true;
  zip_stat_t st;
  zip_stat_init(&st);
  if (zip_stat_index(zip, static_cast<zip_uint64_t>(index), 0, &st) != 0 || !(st.valid & ZIP_STAT_SIZE))
    return InvalidData(std::string(name) + " (in the .keras zip): unreadable entry");
  if (st.size > cap)
    return LimitExceeded(std::string(name) + " (in the .keras zip): " + std::to_string(st.size) +
                         " bytes exceed the cap of " + std::to_string(cap));
  std::unique_ptr<zip_file_t, ZipFileCloser> file(zip_fopen_index(zip, static_cast<zip_uint64_t>(index), 0));
  if (!file) return InvalidData(std::string(name) + " (in the .keras zip): cannot open (encrypted or corrupt)");
  std::vector<uint8_t> out(static_cast<size_t>(st.size) + 1);
  size_t got = 0;
  while (got < out.size()) {
    const zip_int64_t n = zip_fread(file.get(), out.data() + got, out.size() - got);
    if (n < 0) return InvalidData(std::string(name) + " (in the .keras zip): corrupt data (" +
                                  zip_file_strerror(file.get()) + ")");
    if (n == 0) break;
    got += static_cast<size_t>(n);
  }
  if (got != st.size)
    return InvalidData(std::string(name) + " (in the .keras zip): holds " + std::to_string(got) +
                       " bytes, its entry says " + std::to_string(st.size));
  out.resize(got);
  return out;
}

Result<KerasFile> OpenH5(std::vector<uint8_t> bytes) {
  SHELFCAST_ASSIGN_OR_RETURN(Hdf5Reader h5, Hdf5Reader::Open(std::move(bytes)));
  if (!h5.HasAttribute("/", "model_config")) {
    if (h5.IsGroup("/layers") || h5.IsGroup("/model_weights") || h5.HasAttribute("/", "layer_names"))
      return InvalidData("/@model_config: attribute not found: this is a weights-only file (save_weights); "
                         "shelfcast needs the whole model (model.save)");
    return InvalidData("/@model_config: attribute not found: not a Keras model file");
  }
  SHELFCAST_ASSIGN_OR_RETURN(std::string config, h5.StringAttribute("/", "model_config"));
  if (config.size() > kMaxKerasConfigBytes)
    return LimitExceeded("/@model_config: " + std::to_string(config.size()) + " bytes exceed the cap of " +
                         std::to_string(kMaxKerasConfigBytes));
  std::string version, backend;
  if (h5.HasAttribute("/", "keras_version")) {
    SHELFCAST_ASSIGN_OR_RETURN(version, h5.StringAttribute("/", "keras_version"));
  }
  if (h5.HasAttribute("/", "backend")) {
    SHELFCAST_ASSIGN_OR_RETURN(backend, h5.StringAttribute("/", "backend"));
  }
  return KerasFile{KerasFormat::kH5, version, backend, std::move(config), std::move(h5)};
}

Result<KerasFile> OpenZip(const std::vector<uint8_t>& bytes) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  if (source == nullptr) return Internal("libzip cannot wrap the file's bytes");
  std::unique_ptr<zip_t, ZipCloser> zip(zip_open_from_source(source, ZIP_RDONLY | ZIP_CHECKCONS, &error));
  if (!zip) {
    zip_source_free(source);
    const std::string reason = zip_error_strerror(&error);
    zip_error_fini(&error);
    return InvalidData("not a readable .keras zip (" + reason + ")");
  }
  zip_error_fini(&error);
  bool found = false;
  SHELFCAST_ASSIGN_OR_RETURN(std::vector<uint8_t> config, ReadMember(zip.get(), "config.json", kMaxKerasConfigBytes, &found));
  if (!found) return InvalidData("config.json: not in the .keras zip");
  SHELFCAST_ASSIGN_OR_RETURN(std::vector<uint8_t> metadata, ReadMember(zip.get(), "metadata.json", 64 << 10, &found));
  std::string version;
  if (found) {
    const nlohmann::json meta = nlohmann::json::parse(metadata.begin(), metadata.end(), nullptr, false);
    if (meta.is_object() && meta.contains("keras_version") && meta["keras_version"].is_string())
      version = meta["keras_version"].get<std::string>();
  }
  SHELFCAST_ASSIGN_OR_RETURN(std::vector<uint8_t> weights,
                             ReadMember(zip.get(), "model.weights.h5", Hdf5Reader::kMaxFileBytes, &found));
  if (!found) {
    if (zip_name_locate(zip.get(), "model.weights.npz", 0) >= 0)
      return Unsupported("model.weights.npz: weights saved as .npz; shelfcast reads model.weights.h5 (the default)");
    return InvalidData("model.weights.h5: not in the .keras zip");
  }
  Result<Hdf5Reader> h5 = Hdf5Reader::Open(std::move(weights));
  if (!h5.ok()) return h5.status().WithContext("model.weights.h5");
  return KerasFile{KerasFormat::kKeras, version, "", std::string(config.begin(), config.end()), std::move(h5).value()};
}

}  // namespace

int KerasFile::keras_major() const {
  int major = 0;
  size_t i = 0;
  while (i < keras_version.size() && i < 4 && std::isdigit(static_cast<unsigned char>(keras_version[i])))
    major = major * 10 + (keras_version[i++] - '0');
  return i > 0 && (i == keras_version.size() || keras_version[i] == '.') ? major : 0;
}

const char* KerasFile::format_name() const {
  return format == KerasFormat::kH5 ? "Keras HDF5 (.h5)" : "Keras 3 zip (.keras)";
}

Result<KerasFile> OpenKerasBytes(std::vector<uint8_t> bytes) {
  if (bytes.size() > kMaxKerasFileBytes)
    return LimitExceeded("file of " + std::to_string(bytes.size()) + " bytes exceeds the cap of " +
                         std::to_string(kMaxKerasFileBytes));
  if (StartsWith(bytes, "\x89HDF\r\n\x1a\n", 8)) return OpenH5(std::move(bytes));
  if (StartsWith(bytes, "PK\x03\x04", 4)) return OpenZip(bytes);
  return InvalidData("not a Keras model file: neither HDF5 (.h5) nor a zip (.keras)");
}

Result<KerasFile> OpenKerasFile(const std::string& path) {
  Result<std::vector<uint8_t>> bytes = ReadFileBytes(path, kMaxKerasFileBytes);
  if (!bytes.ok()) return bytes.status();
  return OpenKerasBytes(std::move(bytes).value());
}

}  // namespace shelfcast::keras
