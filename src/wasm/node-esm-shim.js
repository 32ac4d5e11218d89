// Prepended to the debug engine only (SHELFCAST_WASM_DEBUG), which exists to run the Node
// suite: with ASSERTIONS the Emscripten 3.1.6 glue takes its Node path, written for
// CommonJS, and an ES module has neither `require` nor `__dirname`.
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const __dirname = dirname(fileURLToPath(import.meta.url));
