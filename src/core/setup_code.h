#pragma once
// SHELFCAST_SETUP_CODE marks load-time functions (model setup, weight packing, kernel
// choice, descriptions) in sources whose per-step code stays at -O3: in the wasm build
// they are optimised for size (clang's `minsize`, what -Oz gives a whole file), which
// makes the engine smaller without touching a kernel or a step loop (docs/size.md).
// Natively (and with compilers other than clang) it expands to nothing.
#if defined(__EMSCRIPTEN__) && defined(__clang__)
#define SHELFCAST_SETUP_CODE __attribute__((minsize))
#else
#define SHELFCAST_SETUP_CODE
#endif
