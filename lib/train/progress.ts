/**
 * A terminal progress bar for training: steps done, steps/s, ETA and the latest loss. On a TTY it
 * redraws one line with '\r'; otherwise (a log file) it writes one line every `every` steps.
 * It only needs something with write(), so lib/ stays free of Node imports (pass process.stderr).
 */

export interface TextSink {
  write(s: string): unknown;
  isTTY?: boolean;
}

export interface ProgressOptions {
  total: number;
  sink: TextSink;
  label?: string;
  /** Non-TTY: one line per this many steps (default 50). */
  every?: number;
  width?: number;
  /** Clock in ms, injectable for tests (default performance.now / Date.now). */
  now?: () => number;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  const mm = String(m).padStart(2, '0');
  const ss = String(sec).padStart(2, '0');
  return h > 0 ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

export class ProgressBar {
  private readonly opts: Required<Omit<ProgressOptions, 'label'>> & { label: string };
  private startStep = -1;
  private startTime = 0;
  private lastLineStep = -Infinity;

  constructor(opts: ProgressOptions) {
    this.opts = {
      every: 50,
      width: 24,
      label: '',
      now: () => (typeof performance !== 'undefined' ? performance.now() : Date.now()),
      ...opts,
    } as ProgressBar['opts'];
  }

  /** The line for `step` of `total`, with the values to show (loss first). */
  render(step: number, values: Record<string, number>): string {
    const { total, width, label } = this.opts;
    const now = this.opts.now();
    if (this.startStep < 0) {
      this.startStep = step;
      this.startTime = now;
    }
    const done = step - this.startStep;
    const elapsed = (now - this.startTime) / 1000;
    const rate = done > 0 && elapsed > 0 ? done / elapsed : 0;
    const eta = rate > 0 ? (total - step) / rate : NaN;
    const frac = total > 0 ? Math.min(1, step / total) : 1;
    const filled = Math.round(frac * width);
    const bar = '#'.repeat(filled) + '.'.repeat(width - filled);
    const vals = Object.entries(values).map(([k, v]) => `${k} ${Math.abs(v) >= 1e-3 && Math.abs(v) < 1e4 ? v.toFixed(4) : v.toExponential(3)}`);
    return `${label ? label + ' ' : ''}[${bar}] ${step}/${total} ${(frac * 100).toFixed(0)}% ${rate.toFixed(2)} steps/s ETA ${formatDuration(eta)} ${vals.join(' ')}`;
  }

  update(step: number, values: Record<string, number>): void {
    const line = this.render(step, values);
    if (this.opts.sink.isTTY) this.opts.sink.write(`\r${line}\x1b[K`);
    else if (step - this.lastLineStep >= this.opts.every || step === this.opts.total) {
      this.opts.sink.write(line + '\n');
      this.lastLineStep = step;
    }
  }

  /** Ends the TTY line. */
  finish(): void {
    if (this.opts.sink.isTTY) this.opts.sink.write('\n');
  }
}
