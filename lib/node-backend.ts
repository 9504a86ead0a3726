/**
 * Node-only: choose a tfjs backend for scripts and tests. 'wasm' (SIMD, one thread in Node) is the
 * fast one on this CPU; 'cpu' is pure JS and about 20x slower (ARCHITECTURE.md, "Backends").
 */
import { tf } from './tf';
// The union package's Node bundle registers every gradient with tfjs-core (the core's Node bundle
// registers none), which training and gradient checks need.
import '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import '@tensorflow/tfjs-backend-wasm';
import { installWasmSlice } from './backend/wasm-slice';

export type NodeBackend = 'wasm' | 'cpu';

export async function setNodeBackend(name: NodeBackend = 'wasm'): Promise<string> {
  installWasmSlice();
  const ok = await tf.setBackend(name);
  if (!ok) throw new Error(`tfjs backend '${name}' failed to initialise`);
  await tf.ready();
  return tf.getBackend();
}
