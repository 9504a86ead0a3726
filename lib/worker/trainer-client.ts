/**
 * The page's side of the trainer worker (lib/worker/trainer.worker.ts), as model-client.ts is the
 * model worker's: numbers requests, hands every message to the widget (the trainer streams phases,
 * steps and sample grids that no single request owns), resolves call() with a request's own answer,
 * and reports a crash once. No tfjs here; the worker is made by a factory, so this runs in Node tests
 * with a fake worker too.
 */
import type { WorkerLike } from './model-client';
import type { TrainerRequest, TrainerResponse } from './trainer-protocol';

/** A request without its id (distributes over the union, so each variant keeps its own fields). */
export type TrainerRequestBody = TrainerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** Replies that answer the request with their id (the other messages are the trainer's stream). */
const ANSWERS = new Set<TrainerResponse['type']>(['ready', 'stats', 'paused', 'reset-done', 'error']);

export class TrainerClient {
  private nextId = 1;
  private readonly waiting = new Map<number, (m: TrainerResponse) => void>();
  private worker: WorkerLike | null;

  constructor(
    factory: () => WorkerLike,
    private readonly onMessage: (m: TrainerResponse) => void,
    onCrash: (why: string) => void,
  ) {
    const w = factory();
    this.worker = w;
    w.onmessage = (e: MessageEvent) => this.dispatch(e.data as TrainerResponse);
    w.onerror = (e) => {
      if (this.worker !== w) return;
      this.waiting.clear();
      onCrash(e.message || 'the trainer worker stopped');
    };
  }

  /** Sends a request; returns its id. */
  send(body: TrainerRequestBody): number {
    const id = this.nextId++;
    this.worker?.postMessage({ ...body, id } as TrainerRequest);
    return id;
  }

  /** Sends a request and resolves with its answer ('ready', 'stats', 'paused', 'reset-done' or 'error'). */
  call(body: TrainerRequestBody): Promise<TrainerResponse> {
    return new Promise((resolve) => {
      const id = this.send(body);
      this.waiting.set(id, resolve);
    });
  }

  terminate(): void {
    this.worker?.terminate();
    this.worker = null;
    this.waiting.clear();
  }

  private dispatch(m: TrainerResponse): void {
    const w = this.waiting.get(m.id);
    if (w && ANSWERS.has(m.type)) {
      this.waiting.delete(m.id);
      w(m);
    }
    this.onMessage(m);
  }
}
