/**
 * The model worker: owns TensorFlow.js, the backend and the models. The page talks to it only through
 * messages (protocol.ts, client.ts); the handling itself is the plain module handler.ts.
 *
 * Built by Next as a module worker from `new Worker(new URL('.../model.worker.ts', import.meta.url),
 * { type: 'module' })` in components/widgets/useModelWorker.ts.
 */
import { tf } from '../tf';
import { initBackend } from './backend-init';
import { openModelCache } from './fetch-cached';
import { ModelRuntime } from './handler';
import { loadDiTModel } from './model-loader';
import { makeVaeDecoder } from './decoder';
import { loadEncoder, loadInspector } from './inspect';
import { transferables, type WorkerRequest } from './protocol';

const scope = self as unknown as {
  postMessage(msg: unknown, transfer: Transferable[]): void;
  onmessage: ((e: MessageEvent<WorkerRequest>) => void) | null;
};

// A MessageChannel round trip yields to pending message events without setTimeout's 4 ms clamp on
// nested timers (which would add 4 ms to every sampling step).
const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(0);
  });
}

const runtime = new ModelRuntime({
  initBackend,
  loadModel: async (model, baseUrl, onProgress) =>
    loadDiTModel(model, baseUrl, { fetch: (url) => fetch(url), cache: await openModelCache(), makeDecoder: makeVaeDecoder }, onProgress),
  loadEncoder: async (vae, baseUrl, onProgress) => loadEncoder(vae, baseUrl, { fetch: (url) => fetch(url), cache: await openModelCache() }, onProgress),
  loadInspector: async (model, baseUrl, onProgress) => loadInspector(model, baseUrl, { fetch: (url) => fetch(url), cache: await openModelCache() }, onProgress),
  post: (msg) => scope.postMessage(msg, transferables(msg)),
  yieldToEvents,
  now: () => performance.now(),
  memory: () => {
    const m = tf.memory();
    return { numTensors: m.numTensors, numBytes: m.numBytes, backend: tf.getBackend() ?? 'none' };
  },
  crash: () => {
    setTimeout(() => {
      throw new Error('model worker crashed on request (test hook)');
    }, 0);
  },
});

scope.onmessage = (e) => {
  void runtime.handle(e.data);
};
