// Daily line charts on uPlot, shared by the demo page and <shelf-forecast>.
//
//   const chart = lineChart(element, { days, lines: [{ label, values, color, dash, show }] });
//   chart.show(2, false);                 // hide line 2
//   chart.update(days, lines);            // new data, same lines
//
// Days are day numbers (days since 1970-01-01); dates are drawn in UTC, so a day never
// shifts with the viewer's time zone.
import uPlot from './vendor/uplot.mjs';

// Okabe & Ito's palette, told apart under every common colour-vision deficiency. Black
// is kept for actual sales; its yellow (#F0E442) is left out, too faint on white.
export const OKABE_ITO = ['#E69F00', '#56B4E9', '#009E73', '#0072B2', '#D55E00', '#CC79A7'];
// After the six colours, lines repeat them dashed: a second cue that needs no colour.
export const DASHES = [[], [10, 6], [2, 5], [14, 5, 3, 5]];
export const ACTUAL_COLOR = '#000000';

/** Colour and dash of the i-th forecast line. */
export function lineStyle(i) {
  return { color: OKABE_ITO[i % OKABE_ITO.length], dash: DASHES[Math.floor(i / OKABE_ITO.length) % DASHES.length] };
}

const utc = (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC');

/**
 * Draws `lines` over `days` in `element`, sized to it (and following its size).
 * Options: height (px, default: the element's height), font (CSS font of the axes),
 * ink (axis and text colour), grid (grid line colour), onCursor(dayIndex|null).
 */
export function lineChart(element, { days, lines, height, font = '14px system-ui, sans-serif', ink = '#222', grid = '#0000001a', onCursor } = {}) {
  const axis = { font, stroke: ink, grid: { stroke: grid, width: 1 }, ticks: { stroke: grid } };
  // Room for two lines of date labels ("1/16" over "2017") and five-digit sales.
  const px = parseFloat(/(\d+(\.\d+)?)px/.exec(font)?.[1] ?? '14');
  const size = () => ({ width: Math.max(200, element.clientWidth), height: height ?? Math.max(160, element.clientHeight) });
  const options = {
    ...size(),
    tzDate: utc,
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { size: 6 } },
    scales: { x: { time: true } },
    // Tick spacing grows with the type, so date labels never run into each other.
    axes: [{ ...axis, size: Math.ceil(2.9 * px + 8), space: Math.ceil(5 * px) }, { ...axis, size: Math.ceil(4 * px + 12), space: Math.ceil(2.5 * px) }],
    series: [{}, ...lines.map(toSeries)],
    hooks: onCursor ? { setCursor: [(u) => onCursor(u.cursor.idx ?? null)] } : {},
  };
  const plot = new uPlot(options, toData(days, lines), element);
  const observer = new ResizeObserver(() => plot.setSize(size()));
  observer.observe(element);
  return {
    plot,
    show(i, visible) {
      plot.setSeries(i + 1, { show: visible });
    },
    update(newDays, newLines) {
      plot.setData(toData(newDays, newLines));
    },
    destroy() {
      observer.disconnect();
      plot.destroy();
    },
  };
}

function toSeries({ label, color, dash = [], width = 2, show = true }) {
  return { label, stroke: color, dash, width, show, spanGaps: false, points: { show: false } };
}

function toData(days, lines) {
  return [Float64Array.from(days, (d) => d * 86400), ...lines.map((l) => l.values ?? new Array(days.length).fill(null))];
}
