// Types of scripts/serve.mjs, for the TypeScript that imports it (the end-to-end harness).
import type { Server as HttpServer } from 'node:http';

export interface Server {
  url: string;
  port: number;
  close(): Promise<void>;
  server: HttpServer;
}

/** The headers that make a page cross-origin isolated (threads for the WebAssembly backend). */
export const ISOLATION_HEADERS: Record<string, string>;

/** `isolated` (default true) sends ISOLATION_HEADERS with every response. */
export function startServer(options?: { root?: string; port?: number; host?: string; log?: boolean; isolated?: boolean }): Promise<Server>;
