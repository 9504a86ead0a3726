/**
 * The one reading of the model worker's replies (lib/worker/protocol.ts) for every widget: weight
 * download progress, sampler steps with their running mean time, the finished samples, an error in
 * the widget's words, a cancellation, or the answer of a single-answer request ('encoded',
 * 'attention-maps'). useSampleRun, useWorkerCall and the conditioning comparison switch on it.
 */
import type { WorkerResponse } from '@/lib/worker/protocol';

export type StepMessage = Extract<WorkerResponse, { type: 'step' }>;
export type DoneMessage = Extract<WorkerResponse, { type: 'done' }>;

export type Reply =
  | { kind: 'loading'; loaded: number; total: number }
  /** A sampler step; step -1 is x_T, decoded without a network call (msPerStep stays null then). */
  | { kind: 'step'; msg: StepMessage; msPerStep: number | null }
  | { kind: 'done'; msg: DoneMessage }
  | { kind: 'error'; error: { kind: string; message: string } }
  | { kind: 'cancelled' }
  | { kind: 'answer'; msg: WorkerResponse };

/** A reader for the replies of one request (it keeps the mean milliseconds per step). */
export function replyReader(): (msg: WorkerResponse) => Reply {
  let msSum = 0;
  return (msg) => {
    switch (msg.type) {
      case 'load-progress':
        return { kind: 'loading', loaded: msg.loaded, total: msg.total };
      case 'step':
        if (msg.step >= 0) msSum += msg.ms;
        return { kind: 'step', msg, msPerStep: msg.step >= 0 ? msSum / (msg.step + 1) : null };
      case 'done':
        return { kind: 'done', msg };
      case 'error':
        return { kind: 'error', error: { kind: msg.kind, message: msg.message } };
      case 'cancelled':
        return { kind: 'cancelled' };
      default:
        return { kind: 'answer', msg };
    }
  };
}
