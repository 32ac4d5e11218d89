// <shelf-forecast>: a forecast chart for a kiosk, from a model file and a sales CSV, with
// no other code on the page.
//
//   <script type="module" src="shelf-forecast.js"></script>
//   <shelf-forecast model="models/kiosk.shcf" csv="data/kiosk.csv" store="1" item="2" horizon="14"></shelf-forecast>
//
// Attributes (a change re-renders):
//   model     URL of a .shcf model file (required)
//   csv       URL of a sales CSV, date,store,item,sales or date,series,value (required)
//   store, item   the store-item series to show; series: a generic series' id. Default:
//                 the file's first series
//   horizon   days to forecast after the last day of the CSV (default 14)
//   history   days of actual sales shown before the forecast (default 4 weeks, at least
//             the horizon)
//   refresh   seconds between re-reading the CSV and forecasting again (default: never)
//   label     the title (default: the series name)
// Drift monitoring (on when shadow, baseline-mape or monitor is set): every day of the
// series is replayed through engine.createMonitor and the element shows the rolling MAPE
// and, when it fires, the drift flag:
//   shadow        URL of a float "shadow" model run beside the deployed one
//   baseline-mape the deployed model's expected MAPE in % (e.g. its manifest MAPE)
//   monitor-window, monitor-margin, monitor-calibration   the monitor's window (days),
//                 margin (MAPE points) and calibration days (see docs/monitoring.md)
//   monitor       (boolean) monitor with the defaults only
// Event 'drift' (detail: the monitor's status) after each render; data-drift = ok |
// flagged | warming-up.
// Styling: the element is a block (height 18rem unless set); the colours come from
// --shelf-ink, --shelf-grid, --shelf-actual and --shelf-forecast.
// Events: 'forecast' (detail: { series, firstDay, values }) after each render;
// 'forecasterror' (detail: { message }) when the model, the CSV or the series fails.
// State for scripts and tests: the attribute data-state = loading | ready | error.
import { loadEngine, isoDate } from './shelfcast.js';
import { ACTUAL_COLOR, OKABE_ITO, lineChart } from './chart.js';

const css = new URL('./vendor/uPlot.min.css', import.meta.url).href;

// One engine per page, and each model file loaded once, however many elements show it.
let engine;
const models = new Map();

function getEngine() {
  engine ??= loadEngine();
  return engine;
}

function getModel(url) {
  const key = new URL(url, document.baseURI).href;
  if (!models.has(key)) {
    const loading = getEngine().then((e) => e.loadModelFromUrl(key));
    loading.catch(() => models.delete(key)); // a failed load is retried on the next render
    models.set(key, loading);
  }
  return models.get(key);
}

const template = document.createElement('template');
template.innerHTML = `
<link rel="stylesheet" href="${css}">
<style>
  :host { display: block; height: 18rem; color: var(--shelf-ink, #1a1a1a); font: inherit; }
  :host([hidden]) { display: none; }
  figure { margin: 0; height: 100%; display: flex; flex-direction: column; }
  figcaption { display: flex; flex-wrap: wrap; justify-content: space-between; gap: 0 1em; align-items: baseline; }
  .title { font-weight: 700; font-size: 1.15em; }
  .total { font-variant-numeric: tabular-nums; }
  .chart { flex: 1; min-height: 0; }
  .error { color: var(--shelf-error, #a8330b); font-weight: 600; margin: 0.3em 0; }
  .error:empty { display: none; }
  .updated { font-size: 0.7em; opacity: 0.8; }
  .drift { font-size: 0.8em; margin: 0.7em 0 0; }
  .drift:empty { display: none; }
  .drift.flagged { color: var(--shelf-error, #a8330b); font-weight: 700; }
</style>
<figure>
  <figcaption><span class="title"></span><span class="total"></span></figcaption>
  <div class="chart"></div>
  <p class="drift" role="status"></p>
  <p class="error" role="alert"></p>
  <span class="updated"></span>
</figure>`;

export class ShelfForecast extends HTMLElement {
  static get observedAttributes() {
    return ['model', 'csv', 'store', 'item', 'series', 'horizon', 'history', 'refresh', 'label', 'shadow', 'baseline-mape',
      'monitor-window', 'monitor-margin', 'monitor-calibration', 'monitor'];
  }

  constructor() {
    super();
    this.attachShadow({ mode: 'open' }).append(template.content.cloneNode(true));
    this._part = (name) => this.shadowRoot.querySelector(`.${name}`);
  }

  connectedCallback() {
    this.setAttribute('role', 'figure');
    this._schedule();
  }

  disconnectedCallback() {
    clearInterval(this._timer);
    this._timer = null;
    this._chart?.destroy();
    this._chart = null;
  }

  attributeChangedCallback() {
    if (this.isConnected) this._schedule();
  }

  // Attribute changes in one task render once.
  _schedule() {
    if (this._pending) return;
    this._pending = true;
    queueMicrotask(() => {
      this._pending = false;
      this._restartTimer();
      this.render();
    });
  }

  _restartTimer() {
    clearInterval(this._timer);
    const seconds = Number(this.getAttribute('refresh'));
    this._timer = seconds > 0 ? setInterval(() => this.render(), seconds * 1000) : null;
  }

  /** Reads the CSV, forecasts and draws. Safe to call any time; the latest call wins. */
  async render() {
    const ticket = (this._ticket = (this._ticket ?? 0) + 1);
    this.dataset.state = 'loading';
    try {
      const modelUrl = this.getAttribute('model');
      const csvUrl = this.getAttribute('csv');
      if (!modelUrl || !csvUrl) throw new Error('<shelf-forecast> needs a model and a csv attribute');
      const shadowUrl = this.getAttribute('shadow');
      const [e, model, text, shadow] = await Promise.all([getEngine(), getModel(modelUrl), fetchText(csvUrl),
        shadowUrl ? getModel(shadowUrl) : null]);
      if (ticket !== this._ticket) return;
      const data = e.parseSalesCsv(text);
      const series = this._pickSeries(data);
      const horizon = intAttribute(this, 'horizon', 14);
      const history = Math.min(series.values.length, intAttribute(this, 'history', Math.max(28, horizon)));
      const forecast = model.forecastSeries(series, { horizon });
      this._draw(series, history, forecast);
      const drift = this._monitor(e, model, shadow, series);
      this.dataset.state = 'ready';
      this.dispatchEvent(new CustomEvent('forecast', { detail: { series: series.key, firstDay: forecast.firstDay, values: forecast.values } }));
      if (drift) this.dispatchEvent(new CustomEvent('drift', { detail: drift }));
    } catch (err) {
      if (ticket !== this._ticket) return;
      this._part('error').textContent = err.message;
      this.dataset.state = 'error';
      this.dispatchEvent(new CustomEvent('forecasterror', { detail: { message: err.message } }));
    }
  }

  // Replays every day of the series through a drift monitor (when monitoring is on) and
  // shows its state; returns the monitor's status, or null.
  _monitor(e, model, shadow, series) {
    const on = ['shadow', 'baseline-mape', 'monitor'].some((name) => this.hasAttribute(name));
    const line = this._part('drift');
    if (!on) {
      line.textContent = '';
      delete this.dataset.drift;
      return null;
    }
    const number = (name) => {
      const text = this.getAttribute(name);
      if (text === null || text === '') return undefined;
      const n = Number(text);
      if (!Number.isFinite(n) || n < 0) throw new Error(`${name}="${text}" is not a number >= 0`);
      return n;
    };
    const monitor = e.createMonitor({ model, shadow, baselineMape: number('baseline-mape'), window: number('monitor-window'),
      margin: number('monitor-margin'), calibrationDays: number('monitor-calibration') });
    let status;
    try {
      monitor.observeSeries(series.key, series.firstDay, series.values);
      status = monitor.overall();  // one series: the pooled rules (shadow and baseline) on it
    } finally {
      monitor.dispose();
    }
    const pct = (x) => `${x.toFixed(1)} %`;
    const window = monitor.options.window;
    let text;
    if (status.flagged) {
      const reference = status.vsShadow ? `the shadow model's ${pct(status.shadowMape)}` : `the baseline ${pct(status.baselineMape)}`;
      text = `⚠ Drift since ${status.flaggedSince}: ${window}-day MAPE ${pct(status.deployedMape)}, over ${reference} by more than ${monitor.options.margin} points`;
      this.dataset.drift = 'flagged';
    } else if (status.windowDays < window) {
      text = `Drift monitor: warming up (${status.windowDays} of ${window} days scored)`;
      this.dataset.drift = 'warming-up';
    } else {
      const ref = status.shadowMape !== null ? `, shadow ${pct(status.shadowMape)}` : status.baselineMape !== null ? `, baseline ${pct(status.baselineMape)}` : '';
      text = `No drift: ${window}-day MAPE ${pct(status.deployedMape)}${ref}`;
      this.dataset.drift = 'ok';
    }
    line.textContent = text;
    line.classList.toggle('flagged', status.flagged);
    return status;
  }

  _pickSeries(data) {
    const id = this.getAttribute('series');
    const store = this.getAttribute('store');
    const item = this.getAttribute('item');
    let series = data.series[0];
    if (id !== null) series = data.series.find((s) => s.key === id);
    else if (store !== null || item !== null) series = data.series.find((s) => String(s.store) === store && String(s.item) === item);
    if (!series) {
      const wanted = id ?? `store ${store} item ${item}`;
      throw new Error(`${this.getAttribute('csv')} has no series '${wanted}'`);
    }
    return series;
  }

  _draw(series, history, forecast) {
    const horizon = forecast.values.length;
    const start = series.firstDay + series.values.length - history;
    const days = Array.from({ length: history + horizon }, (_, i) => start + i);
    const recent = series.values.subarray(series.values.length - history);
    const actual = [...recent, ...new Array(horizon).fill(null)];
    // The forecast line starts at the last actual day, so the two lines join.
    const predicted = [...new Array(history - 1).fill(null), recent[history - 1], ...forecast.values];
    const style = getComputedStyle(this);
    const prop = (name, fallback) => style.getPropertyValue(name).trim() || fallback;
    const lines = [
      { label: 'actual sales', values: actual, color: prop('--shelf-actual', ACTUAL_COLOR), width: 2 },
      { label: 'forecast', values: predicted, color: prop('--shelf-forecast', OKABE_ITO[3]), dash: [10, 6], width: 3 },
    ];
    const chartBox = this._part('chart');
    if (!this._chart) {
      const size = parseFloat(style.fontSize) || 16;
      this._chart = lineChart(chartBox, { days, lines, font: `${Math.round(size * 0.75)}px system-ui, sans-serif`,
        ink: prop('--shelf-ink', '#1a1a1a'), grid: prop('--shelf-grid', '#0000001a') });
    } else {
      this._chart.update(days, lines);
    }
    const total = forecast.values.reduce((a, b) => a + b, 0);
    const from = isoDate(forecast.firstDay);
    const to = isoDate(forecast.firstDay + horizon - 1);
    this._part('title').textContent = this.getAttribute('label') ?? series.key;
    this._part('total').textContent = `next ${horizon} days: ${Math.round(total).toLocaleString('en-US')} units`;
    this._part('error').textContent = '';
    this._part('updated').textContent = `forecast ${from} to ${to}, made ${new Date().toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' })}`;
    chartBox.setAttribute('role', 'img');
    chartBox.setAttribute('aria-label', `${series.key}: actual sales of the last ${history} days and the forecast of ${from} to ${to}, ${Math.round(total)} units in total`);
  }
}

function intAttribute(element, name, fallback) {
  const text = element.getAttribute(name);
  if (text === null || text === '') return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name}="${text}" is not a positive whole number`);
  return n;
}

// Elements showing series of one CSV share one request per refresh.
const inflight = new Map();
function fetchText(url) {
  const key = new URL(url, document.baseURI).href;
  if (!inflight.has(key)) {
    // no-store: a refresh must see the file as it is now, not a cached copy.
    const request = fetch(key, { cache: 'no-store' }).then((response) => {
      if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
      return response.text();
    });
    inflight.set(key, request);
    request.finally(() => inflight.delete(key)).catch(() => {});
  }
  return inflight.get(key);
}

if (!customElements.get('shelf-forecast')) customElements.define('shelf-forecast', ShelfForecast);
