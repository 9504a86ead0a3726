import type { WorkerLike } from '@/lib/worker/model-client';

/** A worker double: records what the page posts; the test answers with reply() or fails it with crash(). */
export class FakeWorker<Req, Res> implements WorkerLike {
  onmessage: ((e: MessageEvent) => unknown) | null = null;
  onerror: ((e: ErrorEvent) => unknown) | null = null;
  received: Req[] = [];
  terminated = false;
  /** Called with every request as it is posted (to answer some at once). */
  constructor(private readonly onPost?: (req: Req, w: FakeWorker<Req, Res>) => void) {}
  postMessage(msg: unknown): void {
    this.received.push(msg as Req);
    this.onPost?.(msg as Req, this);
  }
  terminate(): void {
    this.terminated = true;
  }
  reply(msg: Res): void {
    this.onmessage?.({ data: msg } as MessageEvent);
  }
  crash(message: string): void {
    this.onerror?.({ message } as ErrorEvent);
  }
}
