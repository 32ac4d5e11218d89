// The shipped set on disk: `--out DIR` is a symbolic link to a sibling generation
// directory DIR.<n> (n = 1, 2, ...). A run builds DIR.<n+1>.partial, renames it to
// DIR.<n+1> when everything is written, then points DIR at it by creating the link
// DIR.next and renaming it over DIR (rename(2) replaces a link atomically: a reader sees
// the old set or the new one, never a mix). Generation n stays as the rollback set;
// older ones are removed after the switch.
//
// A failed or interrupted run removes its .partial directory and never touches DIR or
// DIR.<n>. One run at a time per DIR: DIR.lock is held (flock) for the whole run; a run
// killed outright (SIGKILL, power loss) may leave DIR.<k>.partial behind, which the next
// run removes.
//
//   Generations g(out);              // takes the lock; throws GenerationError
//   g.current_dir()                  // "" on the first run
//   std::string work = g.Begin();    // empty DIR.<n+1>.partial
//   ... write into work ...
//   g.Commit();                      // switch; or g.Abandon() (the destructor does it)
#pragma once

#include <filesystem>
#include <stdexcept>
#include <string>

namespace shelfcast::pipeline {

struct GenerationError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

class Generations {
 public:
  // Refuses DIR when it exists and is not a link to a DIR.<n> sibling (a directory of
  // someone else's files is never taken over), or when another run holds the lock.
  explicit Generations(const std::string& out);
  ~Generations();
  Generations(const Generations&) = delete;
  Generations& operator=(const Generations&) = delete;

  int current() const { return current_; }  // 0: nothing shipped yet
  std::string current_dir() const;          // DIR.<current>, "" when none
  int next() const { return next_; }

  std::string Begin();
  void Commit();
  void Abandon();

 private:
  std::filesystem::path out_, parent_;
  std::string base_;
  int current_ = 0, next_ = 1;
  int lock_fd_ = -1;
  bool begun_ = false;
  std::filesystem::path Dir(int n) const;
  std::filesystem::path Partial(int n) const;
};

}  // namespace shelfcast::pipeline
