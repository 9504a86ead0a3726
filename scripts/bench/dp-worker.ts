/** Worker side of the data-parallel step (scripts/bench/data-parallel.ts). */
import { parentPort } from 'node:worker_threads';
import { setNodeBackend } from '../../lib/node-backend';
import { Replica, type Batch } from './replica';
import type { DiTConfig } from '../../lib/dit/config';

type Msg =
  | { kind: 'init'; config: DiTConfig; seed: number; lr: number }
  | { kind: 'grads'; batch: Batch; train: boolean }
  | { kind: 'apply'; grads: Float32Array[] }
  | { kind: 'forward'; batch: Batch }
  | { kind: 'weights' };

const port = parentPort!;
let replica: Replica | null = null;
await setNodeBackend('wasm');
port.on('message', (m: Msg) => {
  try {
    if (m.kind === 'init') {
      replica?.dispose();
      replica = new Replica(m.config, m.seed, m.lr);
      port.postMessage({ kind: 'ready' });
    } else if (m.kind === 'grads') {
      const r = replica!.grads(m.batch, m.train);
      port.postMessage(
        { kind: 'grads', ...r },
        r.grads.map((g) => g.buffer as ArrayBuffer),
      );
    } else if (m.kind === 'apply') {
      replica!.apply(m.grads);
    } else if (m.kind === 'forward') {
      const out = replica!.forward(m.batch);
      port.postMessage({ kind: 'forward', out }, [out.buffer as ArrayBuffer]);
    } else if (m.kind === 'weights') {
      const w = replica!.model.trainableVariables.map((v) => v.dataSync() as Float32Array);
      port.postMessage({ kind: 'weights', w });
    }
  } catch (e) {
    port.postMessage({ kind: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
});
port.postMessage({ kind: 'booted' });
