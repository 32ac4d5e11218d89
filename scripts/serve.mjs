#!/usr/bin/env node
// Serves a folder of static files on 127.0.0.1 until Ctrl-C (the demo site, by default).
//   node scripts/serve.mjs [DIR=build/site] [--port 8080]
// The server is the browser tests' (tests/e2e/server.mjs): files only, correct MIME types
// (application/wasm included), nothing outside DIR.
import { resolve } from 'node:path';
import { startServer } from '../tests/e2e/server.mjs';

const args = process.argv.slice(2);
const at = args.indexOf('--port');
const port = at >= 0 ? Number(args.splice(at, 2)[1]) : 8080;
const dir = resolve(args[0] ?? 'build/site');
const server = await startServer({ '/': dir }, { port });
console.log(`shelfcast demo: ${server.url}/   (kiosk: ${server.url}/kiosk.html)   serving ${dir}; Ctrl-C stops`);
// Exits at once: close() would wait for the browser's keep-alive connections to idle out.
process.on('SIGINT', () => process.exit(0));
