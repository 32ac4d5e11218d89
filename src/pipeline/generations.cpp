#include "pipeline/generations.h"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <system_error>
#include <vector>

namespace shelfcast::pipeline {
namespace fs = std::filesystem;
namespace {

// n when name is "<base>.<n>" (n >= 1, digits only), else 0.
int GenerationOf(const std::string& name, const std::string& base) {
  if (name.size() <= base.size() + 1 || name.compare(0, base.size(), base) != 0 || name[base.size()] != '.') return 0;
  const std::string digits = name.substr(base.size() + 1);
  if (digits.size() > 9 || digits[0] == '0') return 0;
  int n = 0;
  for (char c : digits) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + (c - '0');
  }
  return n;
}

}  // namespace

Generations::Generations(const std::string& out) {
  if (out.empty()) throw GenerationError("--out: empty path");
  fs::path p(out);
  while (p.has_parent_path() && !p.has_filename()) p = p.parent_path();  // "dir/" -> "dir"
  out_ = p;
  base_ = out_.filename().string();
  if (base_.empty() || base_ == "." || base_ == "..") throw GenerationError("--out " + out + ": name a directory to create");
  parent_ = out_.has_parent_path() ? out_.parent_path() : fs::path(".");
  std::error_code ec;
  fs::create_directories(parent_, ec);
  if (ec) throw GenerationError("--out " + out + ": cannot create " + parent_.string() + ": " + ec.message());

  const std::string lock = (parent_ / (base_ + ".lock")).string();
  lock_fd_ = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (lock_fd_ < 0) throw GenerationError(lock + ": " + std::strerror(errno));
  if (::flock(lock_fd_, LOCK_EX | LOCK_NB) != 0) {
    ::close(lock_fd_);
    lock_fd_ = -1;
    throw GenerationError("another pipeline run holds " + lock + " (one run per --out at a time)");
  }

  const fs::file_status st = fs::symlink_status(out_, ec);
  if (fs::is_symlink(st)) {
    const fs::path target = fs::read_symlink(out_, ec);
    current_ = ec ? 0 : GenerationOf(target.string(), base_);
    if (current_ == 0 || !fs::is_directory(Dir(current_))) {
      ::close(lock_fd_);
      lock_fd_ = -1;
      throw GenerationError("--out " + out + " is a link to '" + target.string() + "', not to a generation " + base_ +
                            ".<n> beside it; refusing to replace it");
    }
  } else if (fs::exists(st)) {
    ::close(lock_fd_);
    lock_fd_ = -1;
    throw GenerationError("--out " + out + " exists and is not a pipeline output (a link to " + base_ +
                          ".<n>); refusing to replace it");
  }
  // The next number is past every generation present (a stale one from a killed run
  // is never reused), and stale .partial directories are removed: we hold the lock.
  int highest = current_;
  std::vector<fs::path> partial;
  for (const fs::directory_entry& e : fs::directory_iterator(parent_, ec)) {
    const std::string name = e.path().filename().string();
    const std::string suffix = ".partial";
    if (name.size() > suffix.size() && name.compare(name.size() - suffix.size(), suffix.size(), suffix) == 0 &&
        GenerationOf(name.substr(0, name.size() - suffix.size()), base_) > 0) {
      partial.push_back(e.path());
      continue;
    }
    highest = std::max(highest, GenerationOf(name, base_));
  }
  for (const fs::path& stale_dir : partial) {
    std::error_code rm;
    fs::remove_all(stale_dir, rm);
  }
  next_ = highest + 1;
}

Generations::~Generations() {
  Abandon();
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

fs::path Generations::Dir(int n) const { return parent_ / (base_ + "." + std::to_string(n)); }
fs::path Generations::Partial(int n) const { return parent_ / (base_ + "." + std::to_string(n) + ".partial"); }

std::string Generations::current_dir() const { return current_ ? Dir(current_).string() : std::string(); }

std::string Generations::Begin() {
  std::error_code ec;
  const fs::path work = Partial(next_);
  fs::remove_all(work, ec);
  if (!fs::create_directory(work, ec) || ec)
    throw GenerationError("cannot create " + work.string() + ": " + (ec ? ec.message() : "it exists"));
  begun_ = true;
  return work.string();
}

void Generations::Commit() {
  if (!begun_) throw GenerationError("internal: Commit without Begin");
  std::error_code ec;
  const fs::path dir = Dir(next_);
  fs::rename(Partial(next_), dir, ec);
  if (ec) throw GenerationError("cannot rename " + Partial(next_).string() + " to " + dir.string() + ": " + ec.message());
  begun_ = false;
  const fs::path link = parent_ / (base_ + ".next");
  fs::remove(link, ec);
  fs::create_symlink(dir.filename(), link, ec);
  if (!ec) fs::rename(link, out_, ec);  // the switch: atomic
  if (ec) {
    std::error_code rm;
    fs::remove(link, rm);
    fs::remove_all(dir, rm);
    throw GenerationError("cannot point " + out_.string() + " at " + dir.string() + ": " + ec.message() +
                          " (the previous set is still shipped)");
  }
  // Keep the set just replaced (rollback: point DIR back at it), remove the others
  // (older ones, and any a killed run renamed but never switched to).
  std::vector<fs::path> stale;
  for (const fs::directory_entry& e : fs::directory_iterator(parent_, ec)) {
    const int n = GenerationOf(e.path().filename().string(), base_);
    if (n > 0 && n != current_ && n != next_ && fs::is_directory(e.symlink_status())) stale.push_back(e.path());
  }
  for (const fs::path& p : stale) {
    std::error_code rm;
    fs::remove_all(p, rm);
  }
  current_ = next_;
  next_ = current_ + 1;
}

void Generations::Abandon() {
  if (!begun_) return;
  std::error_code ec;
  fs::remove_all(Partial(next_), ec);
  begun_ = false;
}

}  // namespace shelfcast::pipeline
