/**
 * The sandbox: runs one piece of a reader's code (a notebook cell or a code exercise) and is then
 * thrown away. It starts TensorFlow.js and reads the MNIST test digits first, then locks itself down
 * (lib/sandbox/lockdown.ts: no network, storage, other workers or postMessage for the reader's
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
import { cellApi, exerciseApi } from '../sandbox/api';
import { runCell, runCodeExercise } from '../sandbox/execute';
import { REFERENCES } from '../sandbox/references';
import { drawParams } from '../exercises/seed';
import type { Params } from '../exercises/types';
import { exerciseById } from '../../content/exercises';
import type { SandboxRequest, SandboxResponse } from '../sandbox/protocol';

const scope = self as unknown as { postMessage(msg: unknown): void; onmessage: ((e: MessageEvent) => void) | null };
const post: (msg: SandboxResponse | { type: 'failed'; message: string }) => void = scope.postMessage.bind(scope);
const clock = performance.now.bind(performance);

let digits: DigitSet | null = null;
let started = false;

function run(req: SandboxRequest): SandboxResponse {
  const out = new OutputCollector();
  const t0 = clock();
  if (req.type === 'cell') {
    const r = runCell(req.code, cellApi({ tf, digits, out }), out);
    return { type: 'done', ...r, ms: clock() - t0 };
  }
  const ex = exerciseById(req.exercise);
  if (!ex || ex.kind !== 'code') return { type: 'tested', cases: [], outputs: [], error: `no code exercise '${req.exercise.slice(0, 80)}'`, ms: 0 };
  const r = runCodeExercise(ex, drawParams(ex, req.student) as Params, req.code, REFERENCES[ex.reference], exerciseApi({ tf, out }), out);
  return { type: 'tested', ...r, ms: clock() - t0 };
}

scope.onmessage = async (e: MessageEvent) => {
  const msg = e.data as { type: 'init'; baseUrl: string } | { type: 'run'; request: SandboxRequest };
  if (msg.type === 'init' && !started) {
    started = true;
    try {
      await initBackend('wasm', msg.baseUrl);
      try {
        const res = await fetch(new URL('data/mnist-test-sample.bin', msg.baseUrl));
        if (res.ok) digits = decodeDigits(await res.arrayBuffer());
      } catch {
        digits = null; // digit(i) then says the digits are missing; everything else works
      }
      const open = lockDown(self);
      if (open.length > 0) throw new Error(`the sandbox could not close ${open.join(', ')}`);
      post({ type: 'ready' });
    } catch (err) {
      post({ type: 'failed', message: err instanceof Error ? err.message : String(err) });
    }
  } else if (msg.type === 'run') {
    post(run(msg.request));
  }
};
