// Loading a model file inside the wasm heap, shared by the Embind engines (bindings.cpp)
// and the core engine's C ABI (core_api.cpp).
//
// Built without exceptions, a module aborts when an allocation fails, and a file decides
// how much loading allocates. So each step is admitted only once its bound
// (Forecaster::ReadBytesBound / CreateBytesBound) fits the heap; what is left afterwards
// is the model's own, and forecasting allocates nothing more. ReadModel refuses a file
// over the size cap before decoding anything.
#pragma once

#include <emscripten/heap.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/limits.h"
#include "core/setup_code.h"
#include "core/status.h"
#include "format/reader.h"
#include "lstm/forecaster.h"

namespace shelfcast::wasm {

// True when `bytes` can be allocated now. The block is released at once: wasm memory
// never shrinks, so the heap keeps room for the allocations the caller makes next.
inline bool HeapCanHold(size_t bytes) {
  void* volatile block = std::malloc(bytes);  // volatile: the pair must not be optimised away
  if (block == nullptr) return false;
  std::free(block);
  return true;
}

// Why a load was refused for want of memory: `bytes` the step needs, `release` what frees some.
[[gnu::noinline]] SHELFCAST_SETUP_CODE inline Status OutOfMemory(size_t bytes, const char* release) {
  return LimitExceeded("out of memory: loading this model needs up to " + std::to_string(bytes) +
                       " bytes of engine memory, more than is free under the engine's cap of " +
                       std::to_string(emscripten_get_heap_max()) + " bytes; " + release);
}

// Reads and sets up the model file at `data` (the caller keeps the bytes; the caller's
// heap copy of the Forecaster is inside the admitted bound). `release` ends the
// out-of-memory message: how the caller's API frees a model ("dispose() models no longer
// in use").
SHELFCAST_SETUP_CODE inline Result<Forecaster> LoadForecaster(const uint8_t* data, size_t size, bool use_simd,
                                                             const char* release) {
  const size_t read_bytes = Forecaster::ReadBytesBound(std::min(size, limits::kMaxModelBytes));
  if (!HeapCanHold(read_bytes)) return OutOfMemory(read_bytes, release);
  Result<Model> model = ReadModel(data, size);
  if (!model.ok()) return model.status();
  const size_t create_bytes = Forecaster::CreateBytesBound(*model) + sizeof(Forecaster);
  if (!HeapCanHold(create_bytes)) return OutOfMemory(create_bytes, release);
  return Forecaster::Create(std::move(model).value(), KernelOptions{use_simd});
}

}  // namespace shelfcast::wasm
