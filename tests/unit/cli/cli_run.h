// Runs the built `shelfcast` command (SHELFCAST_CLI, set by tests/unit/cli/CMakeLists.txt)
// for the CLI tests: its exit code and everything it printed.
#pragma once

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <string>

namespace shelfcast::testing {

struct Run {
  int exit_code;
  std::string output;  // stdout and stderr
};

// `shelfcast ARGS` through the shell (ARGS as typed on a command line).
inline Run Shelfcast(const std::string& args) {
  const std::string command = std::string(SHELFCAST_CLI) + " " + args + " 2>&1";
  std::FILE* p = popen(command.c_str(), "r");
  REQUIRE(p != nullptr);
  std::string output;
  char buf[4096];
  size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) output.append(buf, n);
  const int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

// A new empty directory /tmp/shelfcast-<prefix>-XXXXXX.
inline std::string TempDir(const std::string& prefix) {
  std::string dir = "/tmp/shelfcast-" + prefix + "-XXXXXX";
  REQUIRE(mkdtemp(dir.data()) != nullptr);
  return dir;
}

}  // namespace shelfcast::testing
