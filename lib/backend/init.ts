/**
 * Browser-only (the model worker): registers and starts the tfjs backend that planBackends chose,
 * falling back down the plan when one fails to start, and says what happened.
 *
 * Each backend package is imported only when it is tried, so a page on WASM never downloads the
 * WebGPU or WebGL code. A backend counts as started only after a small matmul gives the right answer:
 * tf.setBackend can succeed on a WebGPU adapter that then fails at the first kernel.
 */
import { tf } from '../tf';
import { planBackends, type BackendName } from './plan';
import { probeBackends } from './probe';
import type { BackendInfo } from '../worker/protocol';
import { joinUrl } from '../load/fetch-cached';

/** Where scripts/build-assets.ts copies tfjs-backend-wasm's .wasm files, under the site root. */
export const WASM_DIR = 'tfjs-wasm/';

async function register(name: BackendName, baseUrl: string): Promise<void> {
  switch (name) {
    case 'webgpu':
      await import('@tensorflow/tfjs-backend-webgpu');
      return;
    case 'webgl':
      await import('@tensorflow/tfjs-backend-webgl');
      return;
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      // Threads need cross-origin isolation (COOP/COEP), which a static host rarely sends; tfjs then
      // picks the single-threaded SIMD binary by itself.
      wasm.setWasmPaths(joinUrl(baseUrl, WASM_DIR));
      return;
    }
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      return;
  }
}

async function smokeTest(): Promise<void> {
  const t = tf.tidy(() => tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([1, 0, 0, 1], [2, 2])));
  try {
    const v = await t.data();
    if (Math.abs(v[0] - 1) > 1e-5 || Math.abs(v[3] - 4) > 1e-5) throw new Error(`smoke test gave [${Array.from(v).join(', ')}]`);
  } finally {
    t.dispose();
  }
}

export async function initBackend(override: BackendName | null, baseUrl: string): Promise<BackendInfo> {
  const probe = await probeBackends();
  const plan = planBackends(probe, override);
  const fallbacks: string[] = [];
  for (const name of plan.order) {
    try {
      if (name === 'webgpu' && !probe.webgpu.available) throw new Error(probe.webgpu.description ?? 'WebGPU is not available');
      await register(name, baseUrl);
      const ok = await tf.setBackend(name);
      if (!ok) throw new Error('did not initialise');
      await tf.ready();
      await smokeTest();
      const reason = fallbacks.length === 0 ? plan.reason : `${plan.reason}; fell back to ${name} because ${fallbacks.join('; ')}`;
      return { backend: name, reason, fallbacks };
    } catch (e) {
      fallbacks.push(`${name}: ${(e as Error).message ?? String(e)}`);
      try {
        if (tf.findBackend(name)) tf.removeBackend(name);
      } catch {
        // already gone
      }
    }
  }
  throw new Error(`no tfjs backend could start (${fallbacks.join('; ')})`);
}
