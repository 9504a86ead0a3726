/**
 * The EMA's decay at update t (1-based), with the warm-up most implementations use:
 * d_t = min(d, (1 + t) / (10 + t)). No tfjs here: the Ema class (ema.ts) and the exercises of
 * chapter 11 share it.
 */
export function emaDecayAt(decay: number, t: number, warmup = true): number {
  return warmup ? Math.min(decay, (1 + t) / (10 + t)) : decay;
}
