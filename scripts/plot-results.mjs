#!/usr/bin/env node
// MAPE against real file bytes for every model of models/manifest.json, with the
// article's four points (its parameter bytes and its MAPE, on its own data), as a plain
// SVG with a log-scale x axis. No dependencies.
//   node scripts/plot-results.mjs [--manifest models/manifest.json] [--out docs/results.svg]
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const manifestPath = option('--manifest', join(root, 'models/manifest.json'));
const outPath = option('--out', join(root, 'docs/results.svg'));
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));

const baseline = manifest.models.find((m) => m.name === manifest.baseline_model);
if (!baseline) throw new Error(`${manifestPath}: no row named ${manifest.baseline_model} (the baseline)`);

// Technique -> colour and marker; rows of an unknown technique still plot (grey).
const STYLE = {
  baseline: { color: '#111111', label: 'baseline (LSTM-64 float)' },
  sizing: { color: '#1f77b4', label: 'sizing (float)' },
  calendar: { color: '#17becf', label: 'calendar inputs (float, 56-day window)' },
  pruning: { color: '#2ca02c', label: 'pruning (sparse-f32)' },
  int8: { color: '#d62728', label: 'int8' },
  stacked: { color: '#9467bd', label: 'stacked: pruning + int8 (sparse-int8)' },
};
const styleOf = (t) => STYLE[t] ?? { color: '#7f7f7f', label: t };

const W = 960, H = 600;
const M = { left: 70, right: 250, top: 48, bottom: 60 };
const pw = W - M.left - M.right, ph = H - M.top - M.bottom;

const points = manifest.models.map((m) => ({ x: m.file_bytes, y: m.mape, name: m.name, technique: m.technique }));
const article = manifest.article.map((a) => ({ x: a.size_bytes, y: a.mape, name: a.name }));
const all = [...points, ...article];
// Axis ends on the 1-2-5 ladder around the data.
const ladder = (v, up) => {
  const d = 10 ** Math.floor(Math.log10(v));
  const steps = [1, 2, 5, 10].map((k) => k * d);
  return up ? steps.find((s) => s >= v) : [...steps].reverse().find((s) => s <= v);
};
const xmin = ladder(Math.min(...all.map((p) => p.x)) / 1.3, false);
const xmax = ladder(Math.max(...all.map((p) => p.x)) * 1.3, true);
const ymin = Math.floor(Math.min(...all.map((p) => p.y)) * 2 - 0.5) / 2;
const ymax = Math.ceil(Math.max(...all.map((p) => p.y)) * 2 + 0.5) / 2;
const sx = (x) => M.left + ((Math.log10(x) - Math.log10(xmin)) / (Math.log10(xmax) - Math.log10(xmin))) * pw;
const sy = (y) => M.top + (1 - (y - ymin) / (ymax - ymin)) * ph;
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const f1 = (v) => v.toFixed(1);

const out = [];
out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" ` +
  `font-family="sans-serif" font-size="11">`);
out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
out.push(`<text x="${M.left}" y="22" font-size="15" font-weight="bold">MAPE vs real file bytes: every shipped model ` +
  `(generated data, seed 42, test year 2017)</text>`);
out.push(`<text x="${M.left}" y="38" fill="#555">x: log scale. Hollow diamonds: the article's four rows ` +
  `(its parameter bytes, its MAPE on its own data).</text>`);

// Grid: decades with 2 and 5 subdivisions on x, half points on y.
for (let d = 10 ** Math.floor(Math.log10(xmin)); d <= xmax * 1.0001; d *= 10) {
  for (const k of [1, 2, 5]) {
    const v = d * k;
    if (v < xmin * 0.9999) continue;
    if (v > xmax * 1.0001) break;
    const x = sx(v);
    out.push(`<line x1="${f1(x)}" y1="${M.top}" x2="${f1(x)}" y2="${M.top + ph}" stroke="${k === 1 ? '#ccc' : '#eee'}"/>`);
    const text = v >= 1000 ? `${v / 1000} KB` : `${v} B`;
    out.push(`<text x="${f1(x)}" y="${M.top + ph + 16}" text-anchor="middle" fill="#333">${text}</text>`);
  }
}
for (let y = ymin; y <= ymax + 1e-9; y += 0.5) {
  out.push(`<line x1="${M.left}" y1="${f1(sy(y))}" x2="${M.left + pw}" y2="${f1(sy(y))}" stroke="#eee"/>`);
  out.push(`<text x="${M.left - 8}" y="${f1(sy(y) + 4)}" text-anchor="end" fill="#333">${y.toFixed(1)}</text>`);
}
out.push(`<rect x="${M.left}" y="${M.top}" width="${pw}" height="${ph}" fill="none" stroke="#888"/>`);
out.push(`<text x="${M.left + pw / 2}" y="${H - 18}" text-anchor="middle">file bytes (1 KB = 1,000 B)</text>`);
out.push(`<text transform="translate(20 ${M.top + ph / 2}) rotate(-90)" text-anchor="middle">test MAPE %</text>`);

// Reference lines: our baseline and the +0.3 / +0.5 budgets of the targets; 40x smaller.
const hline = (y, text, dash) => {
  if (y < ymin || y > ymax) return;
  out.push(`<line x1="${M.left}" y1="${f1(sy(y))}" x2="${M.left + pw}" y2="${f1(sy(y))}" stroke="#999" ` +
    `stroke-dasharray="${dash}"/>`);
  out.push(`<text x="${M.left + pw - 4}" y="${f1(sy(y) - 3)}" text-anchor="end" fill="#777" font-size="10">${esc(text)}</text>`);
};
hline(baseline.mape, `LSTM-64 float ${baseline.mape.toFixed(2)} %`, '2,3');
hline(baseline.mape + 0.3, 'baseline + 0.3', '6,4');
hline(baseline.mape + 0.5, 'baseline + 0.5', '6,4');
const x40 = baseline.file_bytes / 40;
if (x40 > xmin) {
  out.push(`<line x1="${f1(sx(x40))}" y1="${M.top}" x2="${f1(sx(x40))}" y2="${M.top + ph}" stroke="#999" stroke-dasharray="6,4"/>`);
  out.push(`<text x="${f1(sx(x40) + 4)}" y="${M.top + 12}" fill="#777" font-size="10">40x smaller than LSTM-64 float</text>`);
}

// Labels placed greedily where they overlap no earlier label or marker.
const boxes = [];
const overlaps = (b) => boxes.some((o) => b.x0 < o.x1 && b.x1 > o.x0 && b.y0 < o.y1 && b.y1 > o.y0);
const inside = (b) => b.x0 >= M.left && b.x1 <= M.left + pw && b.y0 >= M.top && b.y1 <= M.top + ph;
for (const p of all) boxes.push({ x0: sx(p.x) - 5, x1: sx(p.x) + 5, y0: sy(p.y) - 5, y1: sy(p.y) + 5 });
const label = (p, text, color) => {
  const w = text.length * 5.6, h = 11, x = sx(p.x), y = sy(p.y);
  const tries = [[7, 4, 'start'], [-7, 4, 'end'], [7, -7, 'start'], [-7, -7, 'end'], [7, 14, 'start'],
    [-7, 14, 'end'], [0, -10, 'middle'], [0, 18, 'middle']];
  for (const [dx, dy, anchor] of tries) {
    const x0 = anchor === 'start' ? x + dx : anchor === 'end' ? x + dx - w : x - w / 2;
    const b = { x0, x1: x0 + w, y0: y + dy - h + 2, y1: y + dy + 2 };
    if (overlaps(b) || !inside(b)) continue;
    boxes.push(b);
    out.push(`<text x="${f1(x + dx)}" y="${f1(y + dy)}" text-anchor="${anchor}" fill="${color}" font-size="10">${esc(text)}</text>`);
    return;
  }
};

for (const p of points) {
  const { color } = styleOf(p.technique);
  out.push(`<circle cx="${f1(sx(p.x))}" cy="${f1(sy(p.y))}" r="4.5" fill="${color}" fill-opacity="0.85" stroke="#fff">` +
    `<title>${esc(`${p.name}: ${p.x.toLocaleString('en-US')} B, MAPE ${p.y.toFixed(2)} %`)}</title></circle>`);
}
for (const a of article) {
  const x = sx(a.x), y = sy(a.y);
  out.push(`<path d="M${f1(x)} ${f1(y - 6)} L${f1(x + 6)} ${f1(y)} L${f1(x)} ${f1(y + 6)} L${f1(x - 6)} ${f1(y)} Z" ` +
    `fill="none" stroke="#ff7f0e" stroke-width="2"><title>${esc(`article, ${a.name}: ${a.x.toLocaleString('en-US')} ` +
    `parameter bytes, MAPE ${a.y.toFixed(2)} %`)}</title></path>`);
}
// Labels: the article's first, then ours from the smallest file up (the crowded corner).
for (const a of article) label(a, `article: ${a.name}`, '#c25a00');
for (const p of [...points].sort((a, b) => a.x - b.x)) label(p, p.name, styleOf(p.technique).color);

// Legend.
const used = [...new Set(points.map((p) => p.technique))];
let ly = M.top + 8;
const lx = M.left + pw + 18;
for (const t of used) {
  const { color, label: text } = styleOf(t);
  out.push(`<circle cx="${lx}" cy="${ly}" r="4.5" fill="${color}"/>`);
  out.push(`<text x="${lx + 10}" y="${ly + 4}">${esc(text)}</text>`);
  ly += 18;
}
out.push(`<path d="M${lx} ${ly - 6} L${lx + 6} ${ly} L${lx} ${ly + 6} L${lx - 6} ${ly} Z" fill="none" stroke="#ff7f0e" stroke-width="2"/>`);
out.push(`<text x="${lx + 10}" y="${ly + 4}">the article (its data)</text>`);
ly += 28;
const note = [
  'Hover a point for its name, bytes, MAPE.',
  'Ours: real .shcf bytes (weights, masks,',
  'scales, header). The article: parameter',
  'bytes only (no format, no indices).',
  'MAPE: ours on generated data; the',
  "article's on its own (unpublished) data:",
  'compare the distance to each baseline.',
  '',
  'Made by: node scripts/plot-results.mjs',
];
for (const line of note) {
  out.push(`<text x="${lx - 6}" y="${ly}" fill="#555" font-size="10">${esc(line)}</text>`);
  ly += 14;
}
out.push('</svg>');
writeFileSync(outPath, out.join('\n') + '\n');
console.log(`wrote ${outPath}: ${points.length} models + ${article.length} article rows`);
