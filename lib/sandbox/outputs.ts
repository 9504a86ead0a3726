/**
 * The output functions a cell calls (print, table, show, plot), collecting data items within the
 * size limits. Values may be numbers, arrays, typed arrays or objects with dataSync() (tfjs tensors).
 */
import { OUTPUT_LIMITS as L, type OutputItem } from './protocol';

type Numbers = ArrayLike<number> | { dataSync(): ArrayLike<number> };

function toNumbers(v: Numbers): number[] {
  const data = typeof (v as { dataSync?: unknown }).dataSync === 'function' ? (v as { dataSync(): ArrayLike<number> }).dataSync() : (v as ArrayLike<number>);
  if (typeof data !== 'object' || data === null || typeof data.length !== 'number') throw new TypeError('expected an array of numbers or a tensor');
  return Array.from(data, Number);
}

/** Formats any value for print(): numbers to 6 significant digits, arrays shortened, objects as JSON. */
export function formatValue(v: unknown, depth = 0): string {
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Number(v.toPrecision(6)));
  if (typeof v === 'string') return depth === 0 ? v : JSON.stringify(v);
  if (v === null || v === undefined || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
  if (typeof (v as { dataSync?: unknown }).dataSync === 'function') {
    const t = v as { shape: number[]; dataSync(): ArrayLike<number> };
    return `Tensor [${t.shape.join(', ')}] ${formatValue(Array.from(t.dataSync()), depth + 1)}`;
  }
  if (ArrayBuffer.isView(v) || Array.isArray(v)) {
    const a = Array.from(v as ArrayLike<unknown>);
    const shown = a.length > 12 ? [...a.slice(0, 6), '…', ...a.slice(-3)] : a;
    return `[${shown.map((x) => (x === '…' ? '…' : formatValue(x, depth + 1))).join(', ')}]${a.length > 12 ? ` (${a.length} values)` : ''}`;
  }
  if (typeof v === 'function') return `[function ${(v as { name?: string }).name || 'anonymous'}]`;
  if (depth > 2) return '{…}';
  try {
    return `{ ${Object.entries(v as object)
      .slice(0, 20)
      .map(([k, x]) => `${k}: ${formatValue(x, depth + 1)}`)
      .join(', ')} }`;
  } catch {
    return String(v);
  }
}

export class OutputCollector {
  readonly items: OutputItem[] = [];
  private dropped = 0;

  private push(item: OutputItem) {
    if (this.items.length < L.items) this.items.push(item);
    else this.dropped++;
  }

  /** A note at the end when output was cut. */
  finish(): OutputItem[] {
    if (this.dropped > 0) this.items.push({ kind: 'text', text: `(${this.dropped} more outputs not shown: a cell shows at most ${L.items})` });
    return this.items;
  }

  print = (...values: unknown[]) => {
    const text = values.map((v) => formatValue(v)).join(' ');
    this.push({ kind: 'text', text: text.length > L.textChars ? `${text.slice(0, L.textChars)}… (cut)` : text });
  };

  table = (rows: Record<string, unknown>[] | unknown[][], columns?: string[]) => {
    if (!Array.isArray(rows)) throw new TypeError('table(rows): rows must be an array of objects or of arrays');
    const first = rows[0];
    const cols = (columns ?? (Array.isArray(first) ? first.map((_, i) => `#${i}`) : Object.keys((first as object) ?? {}))).slice(0, L.tableColumns).map(String);
    const body = rows
      .slice(0, L.tableRows)
      .map((r) => cols.map((c, i) => formatValue(Array.isArray(r) ? r[i] : (r as Record<string, unknown>)[c], 1).slice(0, 200)));
    this.push({ kind: 'table', columns: cols, rows: body });
    if (rows.length > L.tableRows) this.print(`(${rows.length - L.tableRows} more rows not shown)`);
  };

  /** A grey-scale picture of a (height, width) array in [-1, 1]; a 32x32 digit by default. */
  show = (values: Numbers, opts: { width?: number; height?: number; label?: string } = {}) => {
    const v = toNumbers(values);
    const width = Math.floor(opts.width ?? Math.round(Math.sqrt(v.length)));
    const height = Math.floor(opts.height ?? Math.round(v.length / Math.max(1, width)));
    if (!(width > 0 && height > 0) || width > L.imageSide || height > L.imageSide || width * height !== v.length)
      throw new RangeError(`show(): ${v.length} values do not make a picture of ${width} x ${height} (at most ${L.imageSide} x ${L.imageSide})`);
    this.push({
      kind: 'image',
      width,
      height,
      values: v.map((x) => (Number.isFinite(x) ? x : 0)),
      label: String(opts.label ?? `${width} x ${height} picture`).slice(0, 200),
    });
  };

  /** A line chart: plot(ys) against 1..n, plot(xs, ys), or plot([{ label, x, y }, ...]). */
  plot = (
    a: Numbers | { label?: string; x?: Numbers; y: Numbers }[],
    b?: Numbers | { title?: string; logY?: boolean },
    c?: { title?: string; logY?: boolean },
  ) => {
    let series: { label: string; x: number[]; y: number[] }[];
    let opts: { title?: string; logY?: boolean } = {};
    if (Array.isArray(a) && a.length > 0 && typeof a[0] === 'object' && a[0] !== null && 'y' in (a[0] as object)) {
      series = (a as { label?: string; x?: Numbers; y: Numbers }[]).map((s, i) => {
        const y = toNumbers(s.y);
        return { label: String(s.label ?? `series ${i + 1}`), x: s.x ? toNumbers(s.x) : y.map((_, k) => k + 1), y };
      });
      opts = (b as typeof opts) ?? {};
    } else if (b !== undefined && typeof (b as ArrayLike<number>).length === 'number') {
      series = [{ label: '', x: toNumbers(a as Numbers), y: toNumbers(b as Numbers) }];
      opts = c ?? {};
    } else {
      const y = toNumbers(a as Numbers);
      series = [{ label: '', x: y.map((_, k) => k + 1), y }];
      opts = (b as typeof opts) ?? {};
    }
    series = series.slice(0, L.plotSeries).map((s) => {
      const n = Math.min(s.x.length, s.y.length, L.plotPoints);
      return { label: s.label.slice(0, 60), x: s.x.slice(0, n), y: s.y.slice(0, n) };
    });
    this.push({ kind: 'plot', title: String(opts.title ?? '').slice(0, 120), series, logY: Boolean(opts.logY) });
  };
}
