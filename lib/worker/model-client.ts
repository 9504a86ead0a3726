/**
 * The page's side of the model worker: starts it on first use, numbers requests, routes replies to
 * the request that asked, and restarts the worker on the next request after it crashed.
 *
 * No tfjs here: the page's bundle stays free of TensorFlow.js, which only the worker imports. The
 * worker is made by a factory (components/widgets/use-model-worker.ts writes the `new Worker(new URL(...))`
 * that the bundler needs to see), so this class runs in Node tests with a fake worker too.
 */
import type { BackendName } from '../backend/plan';
import type { BackendInfo, WorkerRequest, WorkerResponse } from './protocol';
import { TEST_HOOKS } from '../test-hooks';

/** What the client needs of a Worker (a real one, or a test double). */
export interface WorkerLike {
  postMessage(msg: unknown, transfer?: Transferable[]): void;
  terminate(): void;
  onmessage: ((e: MessageEvent) => unknown) | null;
  onerror: ((e: ErrorEvent) => unknown) | null;
  onmessageerror?: ((e: MessageEvent) => unknown) | null;
}

export type WorkerFactory = () => WorkerLike;

/** A request without its id (the client adds it). */
export type RequestBody = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

/** Replies after which a request is finished. */
const TERMINAL = new Set<WorkerResponse['type']>(['ready', 'loaded', 'done', 'encoded', 'attention-maps', 'cancelled', 'error', 'stats']);

export interface PendingRequest {
  id: number;
  /** Asks the worker to stop this request (a 'sample' stops before its next step). */
  cancel(): void;
}

export class ModelClient {
  private worker: WorkerLike | null = null;
  private nextId = 1;
  private readonly listeners = new Map<number, (msg: WorkerResponse) => void>();
  private ready: Promise<BackendInfo> | null = null;
  /** How many times a crashed worker was replaced (shown by tests and the bench). */
  restarts = 0;
  /** The last finished samples of any request, kept only with the test hooks on (tests compare backends on them). */
  lastDone: Extract<WorkerResponse, { type: 'done' }> | null = null;

  constructor(
    private readonly factory: WorkerFactory,
    private readonly opts: { backend: BackendName | null; baseUrl: string; threads?: number | null },
  ) {}

  /** The backend the worker runs on (starts the worker). */
  backendInfo(): Promise<BackendInfo> {
    this.ensureWorker();
    return this.ready!;
  }

  /** Sends a request; onMessage gets every reply to it, the last one terminal. */
  request(body: RequestBody, onMessage: (msg: WorkerResponse) => void): PendingRequest {
    const w = this.ensureWorker();
    const id = this.nextId++;
    this.listeners.set(id, onMessage);
    w.postMessage({ ...body, id } as WorkerRequest);
    return {
      id,
      cancel: () => {
        // A cancel names the request it stops; it gets no reply of its own.
        if (this.worker === w && this.listeners.has(id)) w.postMessage({ type: 'cancel', id } satisfies WorkerRequest);
      },
    };
  }

  /** Like request, resolving with the terminal reply (rejecting on 'error'). */
  call(body: RequestBody, onMessage?: (msg: WorkerResponse) => void): Promise<WorkerResponse> {
    return new Promise((resolve, reject) => {
      this.request(body, (msg) => {
        onMessage?.(msg);
        if (msg.type === 'error') reject(new Error(msg.message));
        else if (TERMINAL.has(msg.type)) resolve(msg);
      });
    });
  }

  terminate(): void {
    this.worker?.terminate();
    this.worker = null;
    this.ready = null;
    this.listeners.clear();
  }

  private ensureWorker(): WorkerLike {
    if (this.worker) return this.worker;
    const w = this.factory();
    this.worker = w;
    w.onmessage = (e: MessageEvent) => this.dispatch(e.data as WorkerResponse);
    w.onerror = (e) => this.crashed(w, e.message || 'the model worker failed');
    w.onmessageerror = () => this.crashed(w, 'a message from the model worker could not be read');
    const initId = this.nextId++;
    this.ready = new Promise<BackendInfo>((resolve, reject) => {
      this.listeners.set(initId, (msg) => {
        if (msg.type === 'ready') resolve({ backend: msg.backend, reason: msg.reason, fallbacks: msg.fallbacks, threads: msg.threads });
        else if (msg.type === 'error') reject(new Error(msg.message));
      });
    });
    this.ready.catch(() => undefined); // observed by whoever awaits backendInfo()
    w.postMessage({ type: 'init', id: initId, backend: this.opts.backend, baseUrl: this.opts.baseUrl, threads: this.opts.threads } satisfies WorkerRequest);
    return w;
  }

  private dispatch(msg: WorkerResponse): void {
    if (TEST_HOOKS && msg.type === 'done') this.lastDone = msg;
    const l = this.listeners.get(msg.id);
    if (!l) return;
    if (TERMINAL.has(msg.type)) this.listeners.delete(msg.id);
    l(msg);
  }

  /** The worker threw outside a handler or died: fail what it was doing; the next request starts a new one. */
  private crashed(w: WorkerLike, why: string): void {
    if (this.worker !== w) return;
    w.terminate();
    this.worker = null;
    this.ready = null;
    this.restarts++;
    const pending = [...this.listeners.entries()];
    this.listeners.clear();
    for (const [id, l] of pending) {
      l({ type: 'error', id, kind: 'internal', message: `the model worker stopped (${why}); it restarts on the next request` });
    }
  }
}
