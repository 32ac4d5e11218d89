#!/usr/bin/env node
// The demo page's time from navigation to a filled table, over several loads: each load in
// a fresh headless Chromium with a fresh profile (cold HTTP cache, as a first visit), from
// the site as scripts/demo.sh assembles it. Prints the page's performance marks (ms after
// navigation) per load and their medians, with the load average, and the CPU time each
// load took (/proc, Linux): per Chromium process and, in the page's renderer, per thread
// (the page's thread, the scoring workers, the thread pool where V8 compiles and Blink
// rasterises). The cores are shared by all of them: on a 2-core machine the time to a
// filled table is at least their sum over two.
//
//   node scripts/page-timing.mjs [--runs 5] [--against DIR] [--json out.json]
//
// --against DIR: another assembled site (e.g. main's: node scripts/build-site.mjs --out DIR
// in its checkout), loaded alternately with this one, so both see the same machine load.
//
// No debugger is attached while the page loads, as for a visitor: the script drives
// Chromium over --remote-debugging-pipe, attaches to its tab only to start the navigation,
// waits until Chromium is idle, and only then attaches again to read the marks. A page
// driven by Playwright (the e2e tests) loads far slower on this machine: Playwright
// attaches to the page and to every worker (each waits for the debugger before it starts)
// and records every request and console message, and its waits poll the page every
// animation frame; the same page took 2.5-3.0 s to its table there against 1.6-1.9 s here,
// six alternating pairs (docs/web.md, "Measurements").
// Needs the wasm build, the native CLI (the demo data) and Chromium (tests/e2e/site.mjs).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { CHROMIUM, CHROMIUM_ARGS, outDir, serveSite, skip } from '../tests/e2e/site.mjs';
import { startServer } from '../tests/e2e/server.mjs';

const args = { runs: 5, json: join(outDir, 'page-timing.json'), against: null };
for (let i = 2; i < process.argv.length; i += 2) {
  const key = process.argv[i].replace(/^--/, '');
  if (!(key in args) || process.argv[i + 1] === undefined) {
    throw new Error(`usage: page-timing.mjs [--runs N] [--against DIR] [--json FILE] (got ${process.argv[i]})`);
  }
  args[key] = key === 'runs' ? Number(process.argv[i + 1]) : process.argv[i + 1];
}
if (skip) throw new Error(skip);

// Chromium's processes and the renderer's threads, by what they do (Linux thread names are
// cut to 15 characters; a renderer's main thread is named after the program).
const RENDERER_THREADS = [['page thread', /^chromium$/], ['workers', /^DedicatedWorker/], ['thread pool', /^ThreadPool/]];

// What a process is: its Chromium process type, or null when it is not (yet) one. Kept
// once known (the script samples every SAMPLE_MS while a page loads); read again while
// null: a process is Node's until it execs Chromium, and a renderer is a zygote's fork
// until it renames itself.
const kinds = new Map();
function kindOf(pid) {
  if (!kinds.has(pid)) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      if (!/chromium/.test(cmd.split('\0')[0])) return null;
      const kind = /--type=([\w-]+)/.exec(cmd)?.[1] ?? 'browser';
      if (kind === 'zygote') return null;
      kinds.set(pid, kind);
    } catch {
      return null; // the process ended meanwhile
    }
  }
  return kinds.get(pid);
}

/** CPU ms so far of every Chromium process not in `skip` (a Set of pids): { pid: { [what]: ms } }. */
function chromiumCpu(skip = new Set()) {
  const out = {};
  if (!existsSync('/proc/self/stat')) return out;
  const ticksMs = 10; // USER_HZ is 100 on Linux
  const read = (path) => {
    const stat = readFileSync(path, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { name: stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')), ms: (Number(f[11]) + Number(f[12])) * ticksMs };
  };
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d) && !skip.has(d))) {
    const type = kindOf(pid);
    if (!type) continue;
    try {
      const by = {};
      if (type === 'renderer') {
        for (const tid of readdirSync(`/proc/${pid}/task`)) {
          const t = read(`/proc/${pid}/task/${tid}/stat`);
          const what = RENDERER_THREADS.find(([, re]) => re.test(t.name))?.[0] ?? 'renderer, other';
          by[what] = (by[what] ?? 0) + t.ms;
        }
      } else {
        by[type === 'utility' ? 'utility' : type] = read(`/proc/${pid}/stat`).ms;
      }
      out[pid] = by;
    } catch {
      // the process ended meanwhile
    }
  }
  return out;
}

/** CPU ms between two chromiumCpu snapshots, summed by what ran. */
function cpuSpent(before, after) {
  const spent = {};
  for (const [pid, by] of Object.entries(after)) {
    for (const [what, ms] of Object.entries(by)) spent[what] = (spent[what] ?? 0) + ms - (before[pid]?.[what] ?? 0);
  }
  spent.total = Object.values(spent).reduce((a, b) => a + b, 0);
  return spent;
}

/** A CDP connection over Chromium's --remote-debugging-pipe (fds 3 and 4): send(method, params, sessionId). */
function pipeConnection(child) {
  const pending = new Map();
  let last = 0;
  let text = '';
  child.stdio[4].setEncoding('utf8'); // (a character split across chunks stays whole)
  child.stdio[4].on('data', (chunk) => {
    text += chunk;
    for (let end; (end = text.indexOf('\0')) >= 0; text = text.slice(end + 1)) {
      const message = JSON.parse(text.slice(0, end));
      const call = pending.get(message.id);
      if (!call) continue;
      pending.delete(message.id);
      if (message.error) call.reject(new Error(`${call.method}: ${message.error.message}`));
      else call.resolve(message.result);
    }
  });
  child.once('exit', (code, signal) => {
    for (const call of pending.values()) call.reject(new Error(`${call.method}: Chromium exited (${signal ?? code})`));
    pending.clear();
  });
  return (method, params = {}, sessionId = undefined) => new Promise((resolve, reject) => {
    const id = ++last;
    pending.set(id, { method, resolve, reject });
    child.stdio[3].write(`${JSON.stringify({ id, method, params, sessionId })}\0`);
  });
}

// Chromium's CPU is sampled every SAMPLE_MS while a page loads; Chromium counts as idle
// once it used at most IDLE_CPU_MS over the last IDLE_MS.
const SAMPLE_MS = 50;
const IDLE_MS = 500;
const IDLE_CPU_MS = 30;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Samples Chromium's CPU ({ at: epoch ms, cpu }) until it is idle (or `limitMs` passed). */
async function untilIdle(samples, others, limitMs) {
  const total = (cpu) => Object.values(cpu).reduce((sum, by) => sum + Object.values(by).reduce((a, b) => a + b, 0), 0);
  const t0 = Date.now();
  for (;;) {
    samples.push({ at: Date.now(), cpu: chromiumCpu(others) });
    const back = samples.findLast((s) => s.at <= Date.now() - IDLE_MS);
    if (back && Date.now() - t0 >= IDLE_MS && total(samples.at(-1).cpu) - total(back.cpu) <= IDLE_CPU_MS) return;
    if (Date.now() - t0 > limitMs) throw new Error(`Chromium was still busy after ${limitMs} ms`);
    await sleep(SAMPLE_MS);
  }
}

/**
 * One load of `url` in a fresh Chromium and profile, with no debugger attached until the
 * page is done: the page's shelfcast marks, and the CPU it took from navigation until
 * its table was filled (the samples either side, SAMPLE_MS apart).
 */
async function load(url) {
  const others = new Set(readdirSync('/proc')); // Chromiums of other jobs: not counted
  const profile = await mkdtemp(join(tmpdir(), 'shelfcast-chromium-'));
  const chromium = spawn(CHROMIUM, [...CHROMIUM_ARGS, '--window-size=1920,1080', `--user-data-dir=${profile}`,
    '--remote-debugging-pipe', 'about:blank'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe', 'pipe'] });
  const exited = new Promise((resolve) => chromium.once('exit', resolve));
  const send = pipeConnection(chromium);
  try {
    await send('Browser.getVersion');
    await untilIdle([], others, 30_000); // the browser's own start is not the page's
    // The page loads in the browser's first tab: a new tab (Target.createTarget) costs the
    // browser more work beside the load (it builds its top-chrome WebUI then).
    const { targetInfos } = await send('Target.getTargets');
    const { targetId } = targetInfos.find((t) => t.type === 'page');
    const samples = [];
    const attach = async () => (await send('Target.attachToTarget', { targetId, flatten: true })).sessionId;
    let sessionId = await attach();
    await send('Page.navigate', { url }, sessionId);
    await send('Target.detachFromTarget', { sessionId });
    await untilIdle(samples, others, 600_000);
    sessionId = await attach();
    const { result, exceptionDetails } = await send('Runtime.evaluate', { returnByValue: true, expression: `(() => {
      const [nav] = performance.getEntriesByType('navigation');
      const resource = (file) => performance.getEntriesByType('resource').find((e) => e.name.endsWith('/' + file));
      return {
        origin: performance.timeOrigin,
        state: document.body.dataset.state,
        error: document.getElementById('error')?.textContent ?? '',
        marks: {
          // The document, and the module graph before demo.js runs (ms after navigation).
          'html-received': Math.round(nav.responseEnd),
          'demo.js-received': Math.round(resource('demo.js')?.responseEnd ?? NaN),
          ...Object.fromEntries(performance.getEntriesByType('mark')
            .filter((m) => m.name.startsWith('shelfcast:')).map((m) => [m.name.slice(10), Math.round(m.startTime)])),
        },
      };
    })()` }, sessionId);
    if (exceptionDetails) throw new Error(`reading the marks: ${exceptionDetails.text}`);
    const { origin, state, error, marks } = result.value;
    if (state !== 'ready' || marks['table-filled'] === undefined) throw new Error(`${url} failed (state ${state}, marks ${JSON.stringify(marks)}): ${error}`);
    const before = samples.findLast((s) => s.at <= origin) ?? samples[0];
    const after = samples.find((s) => s.at >= origin + marks['table-filled']) ?? samples.at(-1);
    return { marks, cpu: cpuSpent(before.cpu, after.cpu) };
  } finally {
    await Promise.race([send('Browser.close').catch(() => {}), sleep(5000)]);
    chromium.kill();
    await exited;
    await rm(profile, { recursive: true, force: true, maxRetries: 10 });
  }
}

/**
 * The host's speed just before a load: ms of a fixed integer workload in this process
 * (less is faster). The same page's time follows it; it tells a slow load from a slow host.
 */
function hostProbeMs() {
  const t0 = performance.now();
  let x = 1;
  for (let i = 0; i < 2e7; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
  }
  const ms = performance.now() - t0;
  return x === 0 ? NaN : Math.round(ms); // (x is used, so the loop stays)
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

const sites = [{ name: 'this', ...(await serveSite('page-timing')) }];
if (args.against) sites.push({ name: 'against', server: await startServer({ '/': resolve(args.against) }) });
const runs = Object.fromEntries(sites.map((s) => [s.name, []]));
try {
  for (let r = 0; r < args.runs; r++) {
    for (const site of sites) {
      const loadAverage = loadavg()[0];
      const hostMs = hostProbeMs();
      const { marks, cpu } = await load(`${site.server.url}/index.html`);
      runs[site.name].push({ marks, cpu, loadAverage, hostMs });
      console.log(`${site.name} run ${r + 1}: ${Object.entries(marks).map(([k, v]) => `${k} ${v}`).join(', ')} ` +
        `(load average ${loadAverage.toFixed(2)}, host probe ${hostMs} ms)`);
      console.log(`  CPU ms until the table was filled: ${Object.entries(cpu).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    }
  }
} finally {
  for (const site of sites) await site.server.close();
}
const medians = {};
for (const [name, list] of Object.entries(runs)) {
  const marks = [...new Set(list.flatMap((r) => Object.keys(r.marks)))];
  medians[name] = Object.fromEntries(marks.map((m) => [m, median(list.map((r) => r.marks[m]).filter((x) => x !== undefined))]));
  const loads = list.map((r) => r.loadAverage);
  medians[name].hostMs = median(list.map((r) => r.hostMs));
  const kinds = [...new Set(list.flatMap((r) => Object.keys(r.cpu)))];
  medians[name].cpu = Object.fromEntries(kinds.map((k) => [k, median(list.map((r) => r.cpu[k] ?? 0))]));
  const { cpu, hostMs, ...markMedians } = medians[name];
  console.log(`${name}, median of ${list.length}: ${Object.entries(markMedians).map(([k, v]) => `${k} ${v}`).join(', ')}; ` +
    `load average ${Math.min(...loads).toFixed(2)}–${Math.max(...loads).toFixed(2)}, host probe ${hostMs} ms`);
  console.log(`  CPU ms until the table was filled, medians: ${Object.entries(cpu).map(([k, v]) => `${k} ${v}`).join(', ')}`);
}
// Each pair of loads ran back to back, so the difference within a pair leaves out most of
// the host's drift between pairs (up to 40 % over a day on this machine).
if (runs.against) {
  const differences = runs.this.map((r, i) => r.marks['table-filled'] - runs.against[i].marks['table-filled']);
  medians.difference = median(differences);
  console.log(`table filled, this minus against, per pair: median ${medians.difference} ms ` +
    `(${differences.filter((d) => d < 0).length} of ${differences.length} pairs faster; ${differences.join(', ')})`);
}
writeFileSync(args.json, `${JSON.stringify({ runs, medians }, null, 2)}\n`);
