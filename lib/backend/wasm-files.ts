/**
 * Where the WebAssembly backend's files are served, under the site root: scripts/build-assets.ts
 * copies them there from the tfjs-backend-wasm package, and lib/backend/init.ts points tfjs at them.
 */

/** The .wasm binaries (plain, SIMD, threaded SIMD). */
export const WASM_DIR = 'tfjs-wasm/';

/** The threaded module's unbundled script, which its threads load (lib/backend/init.ts, prepareThreads). */
export const THREADED_WASM_SCRIPT = 'tfjs-backend-wasm-threaded-simd.js';
