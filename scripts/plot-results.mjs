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
const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const f1 = (v) => v.toFixed(1);

// Two panels on one x axis: everything with the article's rows, then a zoom on the band
// around our baseline (the univariate rows crowd within a point of it).
const W = 980, H = 1010;
const M = { left: 70, right: 260 };
const pw = W - M.left - M.right;
const sx = (x) => M.left + ((Math.log10(x) - Math.log10(xmin)) / (Math.log10(xmax) - Math.log10(xmin))) * pw;
const zoomLo = Math.floor((baseline.mape - 0.1) * 10) / 10;
const zoomHi = Math.ceil((baseline.mape + 0.8) * 10) / 10;

const out = [];
out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" ` +
  `font-family="sans-serif" font-size="11">`);
out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
out.push(`<text x="${M.left}" y="22" font-size="15" font-weight="bold">MAPE vs real file bytes: every shipped model ` +
  `(generated data, seed 42, test year 2017)</text>`);
out.push(`<text x="${M.left}" y="38" fill="#555">x: log scale. Hollow diamonds: the article's four rows ` +
  `(its parameter bytes, its MAPE on its own data). Lower panel: zoom on ${zoomLo.toFixed(1)}-${zoomHi.toFixed(1)} %.</text>`);

function panel({ top, height, ymin, ymax, ystep, withArticle, title }) {
  const sy = (y) => top + (1 - (y - ymin) / (ymax - ymin)) * height;
  const within = (p) => p.y >= ymin && p.y <= ymax;
  out.push(`<text x="${M.left}" y="${top - 8}" font-weight="bold">${esc(title)}</text>`);
  for (let d = 10 ** Math.floor(Math.log10(xmin)); d <= xmax * 1.0001; d *= 10) {
    for (const k of [1, 2, 5]) {
      const v = d * k;
      if (v < xmin * 0.9999) continue;
      if (v > xmax * 1.0001) break;
      const x = sx(v);
      out.push(`<line x1="${f1(x)}" y1="${top}" x2="${f1(x)}" y2="${top + height}" stroke="${k === 1 ? '#ccc' : '#eee'}"/>`);
      const text = v >= 1000 ? `${v / 1000} KB` : `${v} B`;
      out.push(`<text x="${f1(x)}" y="${top + height + 16}" text-anchor="middle" fill="#333">${text}</text>`);
    }
  }
  for (let i = 0; ymin + i * ystep <= ymax + 1e-9; ++i) {
    const y = ymin + i * ystep;
    out.push(`<line x1="${M.left}" y1="${f1(sy(y))}" x2="${M.left + pw}" y2="${f1(sy(y))}" stroke="#eee"/>`);
    out.push(`<text x="${M.left - 8}" y="${f1(sy(y) + 4)}" text-anchor="end" fill="#333">${y.toFixed(1)}</text>`);
  }
  out.push(`<rect x="${M.left}" y="${top}" width="${pw}" height="${height}" fill="none" stroke="#888"/>`);
  out.push(`<text x="${M.left + pw / 2}" y="${top + height + 34}" text-anchor="middle">file bytes (1 KB = 1,000 B)</text>`);
  out.push(`<text transform="translate(20 ${top + height / 2}) rotate(-90)" text-anchor="middle">test MAPE %</text>`);

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
    out.push(`<line x1="${f1(sx(x40))}" y1="${top}" x2="${f1(sx(x40))}" y2="${top + height}" stroke="#999" stroke-dasharray="6,4"/>`);
    out.push(`<text x="${f1(sx(x40) + 4)}" y="${top + 12}" fill="#777" font-size="10">40x smaller than LSTM-64 float</text>`);
  }

  // Labels placed greedily where they overlap no earlier label or marker.
  const ours = points.filter(within), theirs = withArticle ? article.filter(within) : [];
  const boxes = [];
  const overlaps = (b) => boxes.some((o) => b.x0 < o.x1 && b.x1 > o.x0 && b.y0 < o.y1 && b.y1 > o.y0);
  const inside = (b) => b.x0 >= M.left && b.x1 <= M.left + pw && b.y0 >= top && b.y1 <= top + height;
  for (const p of [...ours, ...theirs]) boxes.push({ x0: sx(p.x) - 5, x1: sx(p.x) + 5, y0: sy(p.y) - 5, y1: sy(p.y) + 5 });
  for (const text of ['40x smaller than LSTM-64 float']) boxes.push({ x0: sx(x40), x1: sx(x40) + text.length * 5.6, y0: top, y1: top + 14 });
  const label = (p, text, color) => {
    const w = text.length * 5.6, h = 11, x = sx(p.x), y = sy(p.y);
    const tries = [[7, 4, 'start'], [-7, 4, 'end'], [7, -6, 'start'], [-7, -6, 'end'], [7, 14, 'start'],
      [-7, 14, 'end'], [0, -9, 'middle'], [0, 17, 'middle'], [7, -15, 'start'], [-7, -15, 'end'], [7, 23, 'start'],
      [-7, 23, 'end']];
    for (const [dx, dy, anchor] of tries) {
      const x0 = anchor === 'start' ? x + dx : anchor === 'end' ? x + dx - w : x - w / 2;
      const b = { x0, x1: x0 + w, y0: y + dy - h + 2, y1: y + dy + 2 };
      if (overlaps(b) || !inside(b)) continue;
      boxes.push(b);
      out.push(`<text x="${f1(x + dx)}" y="${f1(y + dy)}" text-anchor="${anchor}" fill="${color}" font-size="10">${esc(text)}</text>`);
      return;
    }
  };
  for (const p of ours) {
    const { color } = styleOf(p.technique);
    out.push(`<circle cx="${f1(sx(p.x))}" cy="${f1(sy(p.y))}" r="4.5" fill="${color}" fill-opacity="0.85" stroke="#fff">` +
      `<title>${esc(`${p.name}: ${p.x.toLocaleString('en-US')} B, MAPE ${p.y.toFixed(2)} %`)}</title></circle>`);
  }
  for (const a of theirs) {
    const x = sx(a.x), y = sy(a.y);
    out.push(`<path d="M${f1(x)} ${f1(y - 6)} L${f1(x + 6)} ${f1(y)} L${f1(x)} ${f1(y + 6)} L${f1(x - 6)} ${f1(y)} Z" ` +
      `fill="none" stroke="#ff7f0e" stroke-width="2"><title>${esc(`article, ${a.name}: ${a.x.toLocaleString('en-US')} ` +
      `parameter bytes, MAPE ${a.y.toFixed(2)} %`)}</title></path>`);
  }
  // The article's labels first, then ours from the smallest file up (the crowded corner);
  // the full panel labels only the points the zoom does not show.
  for (const a of theirs) label(a, `article: ${a.name}`, '#c25a00');
  for (const p of [...ours].sort((a, b) => a.x - b.x)) {
    if (withArticle && p.y >= zoomLo && p.y <= zoomHi) continue;
    label(p, p.name, styleOf(p.technique).color);
  }
}

const ys = all.map((p) => p.y);
panel({ top: 70, height: 330, ymin: Math.floor(Math.min(...ys) * 2 - 0.5) / 2, ymax: Math.ceil(Math.max(...ys) * 2 + 0.5) / 2,
  ystep: 0.5, withArticle: true, title: 'All rows and the article' });
if (points.some((p) => p.y < zoomLo || p.y > zoomHi)) {
  const hidden = points.filter((p) => p.y < zoomLo || p.y > zoomHi).map((p) => p.name);
  out.push(`<text x="${M.left}" y="${H - 10}" fill="#777" font-size="10">Outside the zoom: ${esc(hidden.join(', '))} ` +
    '(labelled in the upper panel).</text>');
}
panel({ top: 480, height: 470, ymin: zoomLo, ymax: zoomHi, ystep: 0.1, withArticle: false,
  title: `Zoom: ${zoomLo.toFixed(1)}-${zoomHi.toFixed(1)} % (our univariate rows)` });

// Legend.
const used = [...new Set(points.map((p) => p.technique))];
let ly = 78;
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
