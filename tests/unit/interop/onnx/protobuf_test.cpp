// The protobuf wire layer on hand-made byte strings: every malformed case is refused with
// its exact message, never read past its end.
#include <catch2/catch.hpp>

#include "interop/onnx/protobuf.h"

using namespace shelfcast;
using namespace shelfcast::onnx;

namespace {

std::string NextError(const std::vector<uint8_t>& bytes) {
  ProtoReader r(bytes.data(), bytes.size(), "Msg");
  ProtoField f;
  while (true) {
    Result<bool> more = r.Next(&f);
    if (!more.ok()) return more.status().message();
    if (!*more) return "";
  }
}

}  // namespace

TEST_CASE("varints decode up to 10 bytes and no further", "[interop][protobuf]") {
  size_t pos = 0;
  uint64_t v = 0;
  const uint8_t one[] = {0x96, 0x01};
  REQUIRE(ReadVarint(one, 2, &pos, &v));
  CHECK(v == 150);
  CHECK(pos == 2);

  const uint8_t max[] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01};
  pos = 0;
  REQUIRE(ReadVarint(max, 10, &pos, &v));
  CHECK(v == UINT64_MAX);

  const uint8_t overflow[] = {0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x02};  // bit 64 set
  pos = 0;
  CHECK_FALSE(ReadVarint(overflow, 10, &pos, &v));
  const uint8_t eleven[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x00};
  pos = 0;
  CHECK_FALSE(ReadVarint(eleven, 11, &pos, &v));
  const uint8_t truncated[] = {0x80, 0x80};
  pos = 0;
  CHECK_FALSE(ReadVarint(truncated, 2, &pos, &v));
}

TEST_CASE("malformed messages give exact errors", "[interop][protobuf]") {
  CHECK(NextError({0x80}) == "Msg at byte 0: malformed varint in a field tag");
  CHECK(NextError({0x00}) == "Msg at byte 0: field number 0 is outside 1..536870911");
  CHECK(NextError({0x08, 0x01, 0x1B}) == "Msg at byte 2: field 3: wire type 3 (group) is not supported");
  CHECK(NextError({0x0E}) == "Msg at byte 0: field 1: wire type 6 is invalid");
  CHECK(NextError({0x12, 0x05, 0x61, 0x62}) ==
        "Msg at byte 0: field 2: length 5 runs past the end of the message (2 bytes left)");
  CHECK(NextError({0x12, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F}) ==
        "Msg at byte 0: field 2: length 4294967295 runs past the end of the message (0 bytes left)");
  CHECK(NextError({0x08, 0x80}) == "Msg at byte 0: field 1: malformed varint value");
  CHECK(NextError({0x15, 0x01, 0x02}) == "Msg at byte 0: field 2: 4-byte value runs past the end of the message");
  CHECK(NextError({0x09, 0x01}) == "Msg at byte 0: field 1: 8-byte value runs past the end of the message");
  CHECK(NextError({0x08, 0x96, 0x01, 0x15, 0, 0, 0x80, 0x3F, 0x1A, 0x00}).empty());
}

TEST_CASE("nested readers carry the path and file offsets, and stop at the depth cap", "[interop][protobuf]") {
  // Field 1 holds a message whose field 2 has a length past its (inner) end.
  const std::vector<uint8_t> bytes = {0x08, 0x07, 0x0A, 0x03, 0x12, 0x09, 0x41};
  ProtoReader r(bytes.data(), bytes.size(), "Outer");
  ProtoField f;
  REQUIRE(*r.Next(&f));
  REQUIRE(*r.Next(&f));
  Result<ProtoReader> inner = r.Nested(f, "inner");
  REQUIRE(inner.ok());
  ProtoField g;
  Result<bool> more = inner->Next(&g);
  REQUIRE_FALSE(more.ok());
  CHECK(more.status().message() ==
        "Outer.inner at byte 4: field 2: length 9 runs past the end of the message (1 bytes left)");

  ProtoReader deep(bytes.data(), bytes.size(), "Deep", 0, ProtoReader::kMaxDepth - 1);
  REQUIRE(*deep.Next(&f));
  REQUIRE(*deep.Next(&f));
  Result<ProtoReader> too_deep = deep.Nested(f, "x");
  REQUIRE_FALSE(too_deep.ok());
  CHECK(too_deep.status().message() == "Deep.x: messages nest deeper than 16 levels");

  REQUIRE(*ProtoReader(bytes.data(), bytes.size(), "W").Next(&f));
  Result<ProtoReader> not_a_message = ProtoReader(bytes.data(), bytes.size(), "W").Nested(f, "v");
  REQUIRE_FALSE(not_a_message.ok());
  CHECK(not_a_message.status().message() == "W at byte 0: v (field 1) has wire type varint, expected length-delimited");
}

TEST_CASE("repeated scalars: packed and unpacked, with caps", "[interop][protobuf]") {
  ProtoWriter w;
  w.PackedInt64s(1, {1, -2, 300});
  w.Int64(1, 7);
  w.PackedFloats(2, {1.5f, -2.f});
  w.Float(2, 3.f);
  w.PackedInt32s(3, {-1, 5});
  ProtoReader r(w.data(), w.size(), "R");
  std::vector<int64_t> i64;
  std::vector<float> f32;
  std::vector<int32_t> i32;
  ProtoField f;
  while (*r.Next(&f)) {
    if (f.number == 1) REQUIRE(r.AppendInt64s(f, "ints", 8, &i64).ok());
    if (f.number == 2) REQUIRE(r.AppendFloats(f, "floats", 8, &f32).ok());
    if (f.number == 3) REQUIRE(r.AppendInt32s(f, "int32s", 8, &i32).ok());
  }
  CHECK(i64 == std::vector<int64_t>{1, -2, 300, 7});
  CHECK(f32 == std::vector<float>{1.5f, -2.f, 3.f});
  CHECK(i32 == std::vector<int32_t>{-1, 5});

  ProtoReader again(w.data(), w.size(), "R");
  REQUIRE(*again.Next(&f));
  std::vector<int64_t> capped;
  const Status too_many = again.AppendInt64s(f, "ints", 2, &capped);
  CHECK(too_many.code() == StatusCode::kLimitExceeded);
  CHECK(too_many.message() == "R: ints has more than 2 values");

  const std::vector<uint8_t> bad_floats = {0x12, 0x03, 0, 0, 0};
  ProtoReader b(bad_floats.data(), bad_floats.size(), "F");
  REQUIRE(*b.Next(&f));
  CHECK(b.AppendFloats(f, "floats", 8, &f32).message() == "F at byte 0: floats: packed length 3 is not a multiple of 4");

  ProtoWriter big;
  big.Int64(1, int64_t{1} << 40);
  ProtoReader c(big.data(), big.size(), "I");
  REQUIRE(*c.Next(&f));
  CHECK(c.AppendInt32s(f, "int32s", 8, &i32).message() == "I at byte 0: int32s: value 1099511627776 does not fit in int32");
}
