/**
 * The sampler's forward pass (DiT.infer) on tfjs-wasm, one thread: what `sample`, `eval` and shipping
 * spend their time in. Per preset, one CFG chunk (2 x CHUNK rows: conditional and null-label halves)
 * at t = 500, with each attention kernel; median and min wall seconds of reps after one warm-up, and
 * the wasm heap afterwards. The heap only grows, so it is the peak of this process so far (every
 * earlier row included), not a per-kernel figure. `npm run bench -- --sampler`.
 */
import { tf } from '../../lib/tf';
import { DiT } from '../../lib/dit/model';
import { getPreset } from '../../lib/dit/config';
import { countFlops } from '../../lib/dit/flops';
import type { AttentionKernel } from '../../lib/dit/layers';
import { measure } from './timing';

export interface SamplerForwardRow {
  preset: string;
  kernel: AttentionKernel;
  batch: number;
  medianS: number;
  minS: number;
  reps: number;
  /** Multiply-accumulates per second at the median (countFlops). */
  gmacPerS: number;
  /** The process's wasm heap after this row: its peak so far, over all earlier rows too. */
  wasmHeapPeakMiB: number;
}

function wasmHeapMiB(): number {
  const b = tf.backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } };
  return Math.round((b.wasm?.HEAPU8?.length ?? 0) / 2 ** 20);
}

export async function benchSamplerForward(presets: string[], batch: number, reps: number, log: (s: string) => void): Promise<SamplerForwardRow[]> {
  const rows: SamplerForwardRow[] = [];
  for (const preset of presets) {
    const c = getPreset(preset);
    const m = new DiT(c, 0);
    const x = tf.randomNormal([batch, c.inputSize, c.inputSize, c.inChannels], 0, 1, 'float32', 1);
    const t = tf.fill([batch], 500, 'int32');
    const y = tf.tensor1d(
      Array.from({ length: batch }, (_, i) => (i < batch / 2 ? i % c.numClasses : c.numClasses)),
      'int32',
    );
    try {
      for (const kernel of ['batched-matmul', 'depthwise'] as const) {
        m.attention = kernel;
        const once = () => {
          const o = m.infer(x, t, y);
          o.dataSync();
          o.dispose();
        };
        const { medianS, minS } = await measure(once, 1, reps);
        const row = { preset, kernel, batch, medianS, minS, reps, gmacPerS: (countFlops(c).total * batch) / medianS / 1e9, wasmHeapPeakMiB: wasmHeapMiB() };
        rows.push(row);
        log(
          `  ${preset} ${kernel} batch ${batch}: ${medianS.toFixed(3)} s (min ${row.minS.toFixed(3)}), ${row.gmacPerS.toFixed(2)} GMAC/s, heap peak ${row.wasmHeapPeakMiB} MiB`,
        );
      }
    } finally {
      m.dispose();
      tf.dispose([x, t, y]);
    }
  }
  return rows;
}
