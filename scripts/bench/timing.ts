/** Timing for the Node benches (scripts/bench.ts and its sections): median, min and CPU per rep. */

/** Wall seconds per rep (median, min) and the process's CPU seconds per rep (all its threads). */
export interface Timing {
  medianS: number;
  minS: number;
  cpuS: number;
  reps: number;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
}

/** Runs fn `warmup` times untimed, then `n` times timed. */
export async function measure(fn: () => unknown | Promise<unknown>, warmup: number, n: number): Promise<Timing> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    times.push((performance.now() - t0) / 1000);
  }
  const c = process.cpuUsage(c0);
  return { medianS: median(times), minS: Math.min(...times), cpuS: (c.user + c.system) / 1e6 / n, reps: n };
}
