/**
 * Browser-only: the facts planBackends (backend.ts) decides from. Runs inside the model worker, where
 * navigator.gpu and OffscreenCanvas exist in Chromium; each probe catches its own failures, so a
 * missing API reads as "not available" rather than an error.
 */
import type { BackendProbe } from './plan';

/** Minimal WebGPU types (the DOM lib of TypeScript 5.9 has none). */
interface GpuAdapterLike {
  isFallbackAdapter?: boolean;
  info?: { vendor?: string; architecture?: string; description?: string; isFallbackAdapter?: boolean };
}
interface GpuLike {
  requestAdapter(opts?: { powerPreference?: string }): Promise<GpuAdapterLike | null>;
}

async function probeWebGpu(): Promise<BackendProbe['webgpu']> {
  try {
    const gpu = (globalThis.navigator as unknown as { gpu?: GpuLike } | undefined)?.gpu;
    if (!gpu) return { available: false, description: 'navigator.gpu is missing' };
    const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
    if (!adapter) return { available: false, description: 'no WebGPU adapter' };
    const info = adapter.info ?? {};
    const software =
      Boolean(adapter.isFallbackAdapter ?? info.isFallbackAdapter) || /swiftshader/i.test(`${info.vendor} ${info.architecture} ${info.description}`);
    const description = [info.vendor, info.architecture, info.description].filter(Boolean).join(' ') || undefined;
    return { available: true, software, description };
  } catch (e) {
    return { available: false, description: `WebGPU probe failed: ${(e as Error).message}` };
  }
}

function probeWebGl(): BackendProbe['webgl'] {
  try {
    const canvas: OffscreenCanvas | HTMLCanvasElement | null =
      typeof OffscreenCanvas !== 'undefined' ? new OffscreenCanvas(1, 1) : typeof document !== 'undefined' ? document.createElement('canvas') : null;
    if (!canvas) return { available: false };
    const gl = canvas.getContext('webgl2') as WebGL2RenderingContext | null;
    if (!gl) return { available: false };
    const ext = gl.getExtension('WEBGL_debug_renderer_info');
    const renderer = String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER));
    // Release the context at once: tfjs-webgl creates its own if it is chosen.
    gl.getExtension('WEBGL_lose_context')?.loseContext();
    return { available: true, software: /swiftshader|llvmpipe|softpipe|software|basic render/i.test(renderer), renderer };
  } catch {
    return { available: false };
  }
}

/** A module using one v128 instruction; validates only where WebAssembly SIMD exists (tfjs-wasm's own test). */
const SIMD_PROBE = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11]);

function probeWasm(): BackendProbe['wasm'] {
  if (typeof WebAssembly !== 'object') return { available: false };
  let simd = false;
  try {
    simd = WebAssembly.validate(SIMD_PROBE);
  } catch {
    simd = false;
  }
  return { available: true, simd };
}

export async function probeBackends(): Promise<BackendProbe> {
  return { webgpu: await probeWebGpu(), webgl: probeWebGl(), wasm: probeWasm() };
}
