// Types of scripts/serve.mjs, for the TypeScript that imports it (the end-to-end harness).
import type { Server as HttpServer } from 'node:http';

export interface Server {
  url: string;
  port: number;
  close(): Promise<void>;
  server: HttpServer;
}

export function startServer(options?: { root?: string; port?: number; host?: string; log?: boolean }): Promise<Server>;
