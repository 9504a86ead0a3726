/**
 * The sandbox: runs one piece of a reader's code (a notebook cell or a code exercise) and is then
 * thrown away. It starts TensorFlow.js and reads the MNIST test digits when it is made (a warm
 * spare); when the run arrives it loads the shipped models if the cell uses them, then locks itself
 * down (lib/sandbox/lockdown.ts: no network, storage, other workers or postMessage for the reader's
 * code), then runs the code. The page (lib/sandbox/client.ts) kills it at the time limit.
 *
 * Built by Next as a module worker from `new Worker(new URL('.../sandbox.worker.ts', import.meta.url))`
 * in components/code/use-sandbox.ts.
 */
import { tf } from '../tf';
import { initBackend } from '../backend/init';
import { decodeDigits, type DigitSet } from '../data/mnist';
import { lockDown } from '../sandbox/lockdown';
import { OutputCollector } from '../sandbox/outputs';
import { cellApi, exerciseApi, type CellModels } from '../sandbox/api';
import { runCell, runCodeExercise } from '../sandbox/execute';
import { loadCellModels } from '../sandbox/models';
import { REFERENCES } from '../sandbox/references';
import { drawParams } from '../exercises/seed';
import type { Params } from '../exercises/types';
import { exerciseById } from '../../content/exercises';
import type { SandboxRequest, SandboxResponse } from '../sandbox/protocol';

const scope = self as unknown as { postMessage(msg: unknown): void; onmessage: ((e: MessageEvent) => void) | null };
const post: (msg: SandboxResponse | { type: 'failed'; message: string }) => void = scope.postMessage.bind(scope);
const clock = performance.now.bind(performance);

let baseUrl = '';
let digits: DigitSet | null = null;
let started = false;

async function run(req: SandboxRequest): Promise<SandboxResponse> {
  const out = new OutputCollector();
  if (req.type === 'cell') {
    let models: CellModels | undefined;
    let loadError: string | null = null;
    if (req.models) {
      try {
        models = await loadCellModels(baseUrl);
      } catch (e) {
        loadError = `the shipped models could not be loaded: ${e instanceof Error ? e.message : String(e)}`;
      }
    }
    close();
    if (loadError) return { type: 'done', outputs: [], error: loadError, ms: 0 };
    const t0 = clock();
    const r = await runCell(req.code, cellApi({ tf, digits, out, models }), out);
    return { type: 'done', ...r, ms: clock() - t0 };
  }
  close();
  const ex = exerciseById(req.exercise);
  if (!ex || ex.kind !== 'code') return { type: 'tested', cases: [], outputs: [], error: `no code exercise '${req.exercise.slice(0, 80)}'`, ms: 0 };
  const t0 = clock();
  const r = runCodeExercise(ex, drawParams(ex, req.student) as Params, req.code, REFERENCES[ex.reference], exerciseApi({ tf, out }), out);
  return { type: 'tested', ...r, ms: clock() - t0 };
}

/** The lock-down, just before the reader's code: everything the worker needed from outside is loaded. */
function close(): void {
  const open = lockDown(self);
  if (open.length > 0) throw new Error(`the sandbox could not close ${open.join(', ')}`);
}

scope.onmessage = async (e: MessageEvent) => {
  const msg = e.data as { type: 'init'; baseUrl: string } | { type: 'run'; request: SandboxRequest };
  if (msg.type === 'init' && !started) {
    started = true;
    baseUrl = msg.baseUrl;
    try {
      await initBackend('wasm', msg.baseUrl);
      try {
        const res = await fetch(new URL('data/mnist-test-sample.bin', msg.baseUrl));
        if (res.ok) digits = decodeDigits(await res.arrayBuffer());
      } catch {
        digits = null; // digit(i) then says the digits are missing; everything else works
      }
      post({ type: 'ready' });
    } catch (err) {
      post({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
    }
  } else if (msg.type === 'run') {
    try {
      post(await run(msg.request));
    } catch (err) {
      post({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
    }
  }
};
