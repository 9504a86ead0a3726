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
import { THREADED_WASM_SCRIPT, WASM_DIR } from './wasm-files';
import { installWasmSlice } from './wasm-slice';

async function register(name: BackendName, baseUrl: string, threads: number | null): Promise<void> {
  switch (name) {
    case 'webgpu':
      await import('@tensorflow/tfjs-backend-webgpu');
      return;
    case 'webgl':
      await import('@tensorflow/tfjs-backend-webgl');
      return;
    case 'wasm': {
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      installWasmSlice();
      wasm.setWasmPaths(joinUrl(baseUrl, WASM_DIR));
      // Threads need SharedArrayBuffer, so a cross-origin isolated page (COOP and COEP headers:
      // scripts/serve.mjs and public/_headers send them). With one thread, the single-threaded SIMD
      // binary: the threaded one would start a pool of eight idle workers for nothing.
      const count = threads ?? tfjsThreads();
      if (globalThis.crossOriginIsolated && count > 1) {
        await prepareThreads(baseUrl);
        // tfjs sizes its pool when the module starts, from half the logical cores; the worker's
        // navigator is the only way to ask for another number (?threads=N).
        if (threads !== null) Object.defineProperty(globalThis.navigator, 'hardwareConcurrency', { configurable: true, get: () => 2 * threads });
      } else tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      return;
    }
    case 'cpu':
      await import('@tensorflow/tfjs-backend-cpu');
      return;
  }
}

/**
 * tfjs starts every WebAssembly thread (an Emscripten pthread worker) from its module factory's own
 * source text, `factory.toString()`. Once bundled, that text refers to names outside the function
 * (the bundler's `process` stand-in) and each thread dies with "r is not defined". So the threads
 * load the package's own unbundled script instead, which defines the same factory.
 */
async function prepareThreads(baseUrl: string): Promise<void> {
  const mod = await import('@tensorflow/tfjs-backend-wasm/wasm-out/tfjs-backend-wasm-threaded-simd.js');
  const factory = (mod as { default?: unknown }).default ?? mod;
  const url = new URL(joinUrl(baseUrl, WASM_DIR + THREADED_WASM_SCRIPT), globalThis.location.href).href;
  (factory as { toString: () => string }).toString = () => `(importScripts(${JSON.stringify(url)}), WasmBackendModuleThreadedSimd)`;
}

/** The threads tfjs's WebAssembly module gives XNNPACK: half the logical cores, from one to four. */
function tfjsThreads(): number {
  return Math.min(4, Math.max(1, Math.floor((globalThis.navigator?.hardwareConcurrency ?? 1) / 2)));
}

/**
 * How many threads the WebAssembly backend computes on, and why only one where so. tfjs gives XNNPACK
 * half the logical cores, at most four: on a two-core machine that is one, and forcing two there made
 * the live sampler no faster, as drawing the page keeps the other core busy
 * (scripts/bench/results-browser.json).
 */
async function wasmThreads(asked: number | null): Promise<{ count: number; why?: string }> {
  const count = (await import('@tensorflow/tfjs-backend-wasm')).getThreadsCount();
  if (!globalThis.crossOriginIsolated) return { count, why: 'the page is not cross-origin isolated (its server sends no COOP/COEP headers)' };
  if (asked !== null) return { count, why: `?threads=${asked} asked for ${asked === 1 ? 'one' : asked}` };
  if (count > 1) return { count };
  return { count, why: `tfjs uses half of this device's ${globalThis.navigator?.hardwareConcurrency ?? 1} logical cores` };
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

/** Starts the backend `override` names, or the plan's best; `threads` (?threads=N) sizes WebAssembly's thread pool. */
export async function initBackend(override: BackendName | null, baseUrl: string, threads: number | null = null): Promise<BackendInfo> {
  const probe = await probeBackends();
  const plan = planBackends(probe, override);
  const fallbacks: string[] = [];
  for (const name of plan.order) {
    try {
      if (name === 'webgpu' && !probe.webgpu.available) throw new Error(probe.webgpu.description ?? 'WebGPU is not available');
      await register(name, baseUrl, threads);
      const ok = await tf.setBackend(name);
      if (!ok) throw new Error('did not initialise');
      await tf.ready();
      await smokeTest();
      const reason = fallbacks.length === 0 ? plan.reason : `${plan.reason}; fell back to ${name} because ${fallbacks.join('; ')}`;
      return { backend: name, reason, fallbacks, ...(name === 'wasm' ? { threads: await wasmThreads(threads) } : {}) };
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
