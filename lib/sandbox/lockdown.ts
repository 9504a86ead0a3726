/**
 * What the sandbox worker takes away before a reader's code runs: every way out of the worker (the
 * network, other workers, storage, loading scripts) and its own postMessage, so code cannot talk to
 * the page or fake a result. Workers have no DOM to begin with. The page kills the worker at the time
 * limit, and throws it away after one run either way. (The worker's own message handler stays: it
 * was set before, and no message comes after the one run.)
 */

const CLOSED = [
  'fetch',
  'XMLHttpRequest',
  'WebSocket',
  'WebTransport',
  'EventSource',
  'importScripts',
  'indexedDB',
  'caches',
  'cookieStore',
  'BroadcastChannel',
  'MessageChannel',
  'Worker',
  'SharedWorker',
  'RTCPeerConnection',
  'postMessage',
] as const;

/** Removes the names from the global object and every prototype above it; returns those still reachable. */
export function lockDown(scope: object): string[] {
  for (const name of CLOSED) {
    for (let o: object | null = scope; o && o !== Object.prototype; o = Object.getPrototypeOf(o)) {
      const d = Object.getOwnPropertyDescriptor(o, name);
      if (!d) continue;
      try {
        if (!Reflect.deleteProperty(o, name)) Object.defineProperty(o, name, { value: undefined });
      } catch {
        // not configurable: checked below
      }
    }
    try {
      Object.defineProperty(scope, name, { value: undefined, writable: false, configurable: false });
    } catch {
      // already fixed
    }
  }
  return CLOSED.filter((name) => typeof (scope as Record<string, unknown>)[name] !== 'undefined');
}
