// Types of the <shelf-forecast> custom element (web/shelf-forecast.js).

export interface ShelfForecastDetail {
  /** The series shown: "store 1 item 2" or a generic series id. */
  series: string;
  /** Day number (days since 1970-01-01) of the first forecast day. */
  firstDay: number;
  values: Float32Array;
}

/**
 * <shelf-forecast model="models/kiosk.shcf" csv="data/sales.csv" store="1" item="2" horizon="14">
 * Attributes: model, csv (URLs, required); store + item, or series; horizon (default 14);
 * history (days shown before the forecast); refresh (seconds); label.
 * Events: 'forecast' (CustomEvent<ShelfForecastDetail>), 'forecasterror' (CustomEvent<{ message: string }>).
 * data-state: 'loading' | 'ready' | 'error'.
 */
export class ShelfForecast extends HTMLElement {
  /** Reads the CSV, forecasts and draws again; the latest call wins. */
  render(): Promise<void>;
}

declare global {
  interface HTMLElementTagNameMap {
    'shelf-forecast': ShelfForecast;
  }
  interface HTMLElementEventMap {
    forecast: CustomEvent<ShelfForecastDetail>;
    forecasterror: CustomEvent<{ message: string }>;
  }
}
