/**
 * A 2-D toy for chapter 10: DDPM's deterministic sampler (DDIM, eta = 0) and rectified flow, run
 * from the same noise points towards the same data, a mixture of small round Gaussians in the plane.
 * For such data the best possible network is known in closed form, so the paths are those of a
 * perfect model and the only difference left is the process itself.
 *
 * Noising z = a x_0 + b eps (DDPM: a = sqrt(abar_t), b = sqrt(1 - abar_t); rectified flow:
 * a = 1 - t, b = t). Given component k (mean m_k, variance s^2 per axis), z ~ N(a m_k, (a^2 s^2 + b^2) I),
 * so the posterior weight of k is r_k(z) proportional to pi_k N(z; a m_k, (a^2 s^2 + b^2) I), and
 *   E[x_0 | z, k] = m_k + a s^2 / (a^2 s^2 + b^2) (z - a m_k),  E[x_0 | z] = sum_k r_k E[x_0 | z, k],
 *   E[eps | z] = (z - a E[x_0 | z]) / b.
 * The DDIM step is Eq. ddim-step with eta = 0 on these predictions; the rectified-flow step is an
 * Euler step along the velocity v = E[eps | z] - E[x_0 | z] (chapter 10's velocity, averaged over
 * the data that could have made z).
 */
import { betaSchedule, diffusionConstants } from './schedules';
import { spaceTimesteps } from './spacing';

export interface Mixture {
  means: [number, number][];
  /** The standard deviation of every component, per axis. */
  std: number;
}

export type Point = [number, number];

/** Eight small Gaussians on a circle of radius 2, the classic toy data set. */
export const EIGHT_GAUSSIANS: Mixture = {
  means: Array.from({ length: 8 }, (_, k) => [2 * Math.cos((k * Math.PI) / 4), 2 * Math.sin((k * Math.PI) / 4)] as [number, number]),
  std: 0.1,
};

/** Two Gaussians far apart: where a straight line from noise to data must choose a side. */
export const TWO_GAUSSIANS: Mixture = {
  means: [
    [-2, 0],
    [2, 0],
  ],
  std: 0.15,
};

/** E[x_0 | z] for z = a x_0 + b eps with x_0 from the mixture (equal weights). */
export function posteriorMean(m: Mixture, z: Point, a: number, b: number): Point {
  const s2 = m.std * m.std;
  const v = a * a * s2 + b * b;
  const logw = m.means.map(([mx, my]) => -((z[0] - a * mx) ** 2 + (z[1] - a * my) ** 2) / (2 * v));
  const top = Math.max(...logw);
  const w = logw.map((l) => Math.exp(l - top));
  const total = w.reduce((s, x) => s + x, 0);
  const gain = (a * s2) / v;
  let x = 0;
  let y = 0;
  m.means.forEach(([mx, my], k) => {
    x += (w[k] / total) * (mx + gain * (z[0] - a * mx));
    y += (w[k] / total) * (my + gain * (z[1] - a * my));
  });
  return [x, y];
}

let linearAlphaBars: Float64Array | null = null;

/** The DDPM noise levels a K-step DDIM run visits (linear schedule, T = 1000, respaced as the sampler does), from noise to data. */
export function ddimAlphaBars(steps: number): number[] {
  // The schedule is the same on every call (every slider step of chapter 10's widget): computed once.
  const abar = (linearAlphaBars ??= diffusionConstants(betaSchedule('linear', 1000)).alphasCumprod);
  return spaceTimesteps(1000, steps)
    .map((i) => abar[i])
    .reverse();
}

/** DDIM (eta = 0) paths from each start point: K + 1 points each, the last on the data side. */
export function ddimPaths(m: Mixture, starts: readonly Point[], steps: number): Point[][] {
  const abars = [...ddimAlphaBars(steps), 1];
  return starts.map((start) => {
    // x_T = sqrt(abar_T) x_0 + sqrt(1 - abar_T) eps: the run starts from pure noise scaled as x_T.
    let z: Point = [start[0], start[1]];
    const path: Point[] = [z];
    for (let k = 0; k + 1 < abars.length; k++) {
      const a = Math.sqrt(abars[k]);
      const b = Math.sqrt(1 - abars[k]);
      const x0 = posteriorMean(m, z, a, b);
      const eps: Point = [(z[0] - a * x0[0]) / b, (z[1] - a * x0[1]) / b];
      const a2 = Math.sqrt(abars[k + 1]);
      const b2 = Math.sqrt(1 - abars[k + 1]);
      z = [a2 * x0[0] + b2 * eps[0], a2 * x0[1] + b2 * eps[1]];
      path.push(z);
    }
    return path;
  });
}

/** Rectified-flow paths: K Euler steps from t = 1 (noise) to t = 0 (data), K + 1 points each. */
export function flowPaths(m: Mixture, starts: readonly Point[], steps: number): Point[][] {
  return starts.map((start) => {
    let z: Point = [start[0], start[1]];
    const path: Point[] = [z];
    for (let k = 0; k < steps; k++) {
      const t = 1 - k / steps;
      const x0 = posteriorMean(m, z, 1 - t, t);
      // v = E[eps | z] - E[x_0 | z], with E[eps | z] = (z - (1 - t) E[x_0 | z]) / t.
      const v: Point = [(z[0] - x0[0]) / t, (z[1] - x0[1]) / t];
      const dt = 1 / steps;
      z = [z[0] - dt * v[0], z[1] - dt * v[1]];
      path.push(z);
    }
    return path;
  });
}

/** How far a point is from the nearest component mean, in units of the component's std. */
export function distanceToData(m: Mixture, p: Point): number {
  return Math.min(...m.means.map(([x, y]) => Math.hypot(p[0] - x, p[1] - y))) / m.std;
}

/** Length of a path over the distance between its ends: 1 for a straight path, more when it bends. */
export function bendiness(path: readonly Point[]): number {
  let length = 0;
  for (let i = 1; i < path.length; i++) length += Math.hypot(path[i][0] - path[i - 1][0], path[i][1] - path[i - 1][1]);
  const direct = Math.hypot(path.at(-1)![0] - path[0][0], path.at(-1)![1] - path[0][1]);
  return direct > 0 ? length / direct : 1;
}
