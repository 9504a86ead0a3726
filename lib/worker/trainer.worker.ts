/**
 * The in-browser trainer's own worker (components/widgets/TrainInBrowser): owns a TensorFlow.js
 * backend (chosen like the model worker's, lib/backend), the training digits, the VAE and the
 * model being trained. The handling itself is the plain module lib/runtime/trainer-runtime.ts, the
 * plumbing shared with the model worker is scope.ts.
 *
 * Built by Next as a module worker from `new Worker(new URL('.../trainer.worker.ts', import.meta.url),
 * { type: 'module' })` in components/widgets/TrainInBrowser/use-train-in-browser.ts.
 */
import { loadTrainerDigits, loadTrainerVae } from '../load/trainer-loaders';
import { TrainerRuntime } from '../runtime/trainer-runtime';
import { trainerTransferables, type TrainerRequest, type TrainerResponse } from './trainer-protocol';
import { fetchEnv, serve, workerEnv } from './scope';

// Training needs gradients. lib/tf.ts is tfjs-core without them; this registers every kernel's
// gradient (the same registrations the union package's Node bundle makes for the scripts).
import '@tensorflow/tfjs-core/dist/register_all_gradients';

serve<TrainerRequest>(
  new TrainerRuntime({
    ...workerEnv<TrainerResponse>(trainerTransferables),
    loadDigits: (baseUrl, onProgress) => loadTrainerDigits(baseUrl, (url) => fetch(url), onProgress),
    loadVae: async (baseUrl) => loadTrainerVae(baseUrl, await fetchEnv()),
  }),
);
