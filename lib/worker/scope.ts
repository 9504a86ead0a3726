/**
 * What both workers (model.worker.ts, trainer.worker.ts) share around their plain runtime module:
 * the backend start (lib/backend/init.ts), a yield to pending messages, the clock and tfjs's memory, and
 * the message plumbing (post with the transferables of a message, hand every request to the runtime).
 * Browser-only: imported by the worker entry files, never by the unit-tested runtimes.
 */
import { tf } from '../tf';
import { initBackend } from '../backend/init';
import { openModelCache, type CacheLike, type FetchLike } from '../load/fetch-cached';

const scope = self as unknown as {
  postMessage(msg: unknown, transfer: Transferable[]): void;
  onmessage: ((e: MessageEvent) => void) | null;
};

// A MessageChannel round trip yields to pending message events without setTimeout's 4 ms clamp on
// nested timers (which would add 4 ms to every sampling or training step).
let channel: MessageChannel | null = null;
const waiting: (() => void)[] = [];
function yieldToEvents(): Promise<void> {
  if (!channel) {
    channel = new MessageChannel();
    channel.port1.onmessage = () => waiting.shift()?.();
  }
  const port = channel.port2;
  return new Promise((resolve) => {
    waiting.push(resolve);
    port.postMessage(0);
  });
}

/** The environment members ModelRuntime and TrainerRuntime both take, plus post for their messages. */
export function workerEnv<Res>(transferables: (msg: Res) => Transferable[]) {
  return {
    initBackend,
    post: (msg: Res) => scope.postMessage(msg, transferables(msg)),
    yieldToEvents,
    now: () => performance.now(),
    memory: () => {
      const m = tf.memory();
      return { numTensors: m.numTensors, numBytes: m.numBytes, backend: tf.getBackend() ?? 'none' };
    },
  };
}

/** The page's fetch and the model cache (Cache API, or null where there is none), for the loaders. */
export async function fetchEnv(): Promise<{ fetch: FetchLike; cache: CacheLike | null }> {
  return { fetch: (url) => fetch(url), cache: await openModelCache() };
}

/** Hands every message from the page to the runtime. */
export function serve<Req>(runtime: { handle(req: Req): Promise<void> }): void {
  scope.onmessage = (e: MessageEvent<Req>) => {
    void runtime.handle(e.data);
  };
}
