/**
 * The model worker: owns TensorFlow.js, the backend and the models. The page talks to it only through
 * messages (protocol.ts, model-client.ts); the handling itself is the plain module
 * lib/runtime/model-runtime.ts, the plumbing shared with the trainer's worker is scope.ts.
 *
 * Built by Next as a module worker from `new Worker(new URL('.../model.worker.ts', import.meta.url),
 * { type: 'module' })` in components/widgets/shared/use-model-worker.ts.
 */
import { ModelRuntime } from '../runtime/model-runtime';
import { loadDiTModel } from '../load/model-loader';
import { makeVaeDecoder } from '../load/decoder';
import { loadEncoder, loadInspector } from '../inspect/loaders';
import { transferables, type WorkerRequest, type WorkerResponse } from './protocol';
import { fetchEnv, serve, workerEnv } from './scope';

serve<WorkerRequest>(
  new ModelRuntime({
    ...workerEnv<WorkerResponse>(transferables),
    loadModel: async (model, baseUrl, onProgress) => loadDiTModel(model, baseUrl, { ...(await fetchEnv()), makeDecoder: makeVaeDecoder }, onProgress),
    loadEncoder: async (vae, baseUrl, onProgress) => loadEncoder(vae, baseUrl, await fetchEnv(), onProgress),
    loadInspector: async (model, baseUrl, onProgress) => loadInspector(model, baseUrl, await fetchEnv(), onProgress),
    crash: () => {
      setTimeout(() => {
        throw new Error('model worker crashed on request (test hook)');
      }, 0);
    },
  }),
);
