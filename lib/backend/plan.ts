/**
 * Which tfjs backend a widget runs on, and why (ARCHITECTURE.md, "Backends"). Measured on a 2-core
 * machine without a GPU: WebGPU and WebGL run on SwiftShader, a software rasteriser, and are slower
 * than WASM with SIMD (512x512 matmul: WebGPU 412 ms, WebGL 72 ms, WASM 14 ms, CPU 228 ms). So a GPU
 * backend is chosen only on a hardware adapter; otherwise WASM, then the pure-JS CPU backend.
 *
 * This file is pure: the worker probes the browser (lib/backend/probe.ts) and passes the facts in.
 */

export type BackendName = 'webgpu' | 'webgl' | 'wasm' | 'cpu';
export const BACKENDS: readonly BackendName[] = ['webgpu', 'webgl', 'wasm', 'cpu'];

export interface BackendProbe {
  /** navigator.gpu gave an adapter; isFallbackAdapter marks a software one (SwiftShader). */
  webgpu: { available: boolean; software?: boolean; description?: string };
  /** A WebGL2 context exists; its unmasked renderer names SwiftShader / llvmpipe when software. */
  webgl: { available: boolean; software?: boolean; renderer?: string };
  wasm: { available: boolean; simd?: boolean };
}

export interface BackendPlan {
  /** Backends to try in order; the first that initialises wins, the rest are fallbacks. */
  order: BackendName[];
  /** One sentence for the reader: why the first choice. */
  reason: string;
}

const SOFTWARE_RENDERER = /swiftshader|llvmpipe|softpipe|software|basic render/i;

/** True when a WebGL unmasked-renderer string names a software rasteriser. */
export function isSoftwareRenderer(renderer: string | undefined): boolean {
  return renderer !== undefined && SOFTWARE_RENDERER.test(renderer);
}

/** Reads `?backend=` from a URL query string; anything else is ignored. */
export function parseBackendOverride(search: string): BackendName | null {
  const value = new URLSearchParams(search).get('backend');
  return value !== null && (BACKENDS as readonly string[]).includes(value) ? (value as BackendName) : null;
}

/** The most WebAssembly threads `?threads=` may ask for. */
export const MAX_THREADS = 16;

/** Reads `?threads=N` (a whole number from 1 to MAX_THREADS) from a URL query string; anything else is ignored. */
export function parseThreadsOverride(search: string): number | null {
  const value = new URLSearchParams(search).get('threads');
  const n = value !== null && /^[1-9][0-9]?$/.test(value) ? Number(value) : NaN;
  return n >= 1 && n <= MAX_THREADS ? n : null;
}

export function planBackends(probe: BackendProbe, override: BackendName | null = null): BackendPlan {
  const fallbacks = (first: BackendName): BackendName[] => {
    const rest: BackendName[] = [];
    if (probe.wasm.available) rest.push('wasm');
    rest.push('cpu');
    return [first, ...rest.filter((b) => b !== first)];
  };
  if (override) {
    return { order: fallbacks(override), reason: `forced by ?backend=${override}` };
  }
  if (probe.webgpu.available && !probe.webgpu.software) {
    return { order: fallbacks('webgpu'), reason: `WebGPU on a hardware adapter${probe.webgpu.description ? ` (${probe.webgpu.description})` : ''}` };
  }
  if (probe.webgl.available && !probe.webgl.software) {
    const why = probe.webgpu.available ? 'WebGPU has only a software adapter' : 'WebGPU is not available';
    return { order: fallbacks('webgl'), reason: `WebGL on a hardware GPU${probe.webgl.renderer ? ` (${probe.webgl.renderer})` : ''}; ${why}` };
  }
  if (probe.wasm.available) {
    return { order: fallbacks('wasm'), reason: 'no hardware GPU found, and WebAssembly with SIMD is the fastest on a CPU' };
  }
  return { order: ['cpu'], reason: 'neither a hardware GPU nor WebAssembly is available' };
}
