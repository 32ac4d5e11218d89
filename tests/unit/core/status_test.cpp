#include <catch2/catch.hpp>

#include "core/status.h"

using namespace shelfcast;

static Result<int> Half(int x) {
  if (x % 2) return InvalidArgument(std::to_string(x) + " is odd");
  return x / 2;
}

static Status Chain(int x, int* out) {
  SHELFCAST_ASSIGN_OR_RETURN(int h, Half(x));
  SHELFCAST_ASSIGN_OR_RETURN(*out, Half(h));
  return Status::Ok();
}

TEST_CASE("Result carries a value or the error that explains its absence", "[core]") {
  int out = 0;
  CHECK(Chain(8, &out).ok());
  CHECK(out == 2);
  const Status s = Chain(6, &out);
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(s.message() == "3 is odd");
  CHECK(s.WithContext("model.shcf").message() == "model.shcf: 3 is odd");
  CHECK(Status::Ok().WithContext("x").message().empty());
}
