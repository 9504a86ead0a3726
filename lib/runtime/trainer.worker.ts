/**
 * The in-browser trainer's own worker (components/widgets/TrainInBrowser): owns a TensorFlow.js
 * backend (chosen like the model worker's, lib/runtime/backend*.ts), the training digits, the VAE
 * and the model being trained. The handling itself is the plain module trainer-runtime.ts.
 *
 * Built by Next as a module worker from `new Worker(new URL('.../trainer.worker.ts', import.meta.url),
 * { type: 'module' })` in components/widgets/TrainInBrowser/useTrainInBrowser.ts.
 */
import { tf } from '../tf';
import { initBackend } from './backend-init';
import { openModelCache } from './fetch-cached';
import { loadTrainerDigits, loadTrainerVae } from './trainer-loaders';
import { TrainerRuntime } from './trainer-runtime';
import { trainerTransferables, type TrainerRequest } from './trainer-protocol';

// Training needs gradients. lib/tf.ts is tfjs-core without them; this registers every kernel's
// gradient (the same registrations the union package's Node bundle makes for the scripts).
import '@tensorflow/tfjs-core/dist/register_all_gradients';

const scope = self as unknown as {
  postMessage(msg: unknown, transfer: Transferable[]): void;
  onmessage: ((e: MessageEvent<TrainerRequest>) => void) | null;
};

// A MessageChannel round trip yields to pending message events without setTimeout's 4 ms clamp.
const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(0);
  });
}

const runtime = new TrainerRuntime({
  initBackend,
  loadDigits: (baseUrl, onProgress) => loadTrainerDigits(baseUrl, (url) => fetch(url), onProgress),
  loadVae: async (baseUrl) => loadTrainerVae(baseUrl, { fetch: (url) => fetch(url), cache: await openModelCache() }),
  post: (msg) => scope.postMessage(msg, trainerTransferables(msg)),
  yieldToEvents,
  now: () => performance.now(),
  memory: () => {
    const m = tf.memory();
    return { numTensors: m.numTensors, numBytes: m.numBytes, backend: tf.getBackend() ?? 'none' };
  },
});

scope.onmessage = (e) => {
  void runtime.handle(e.data);
};
