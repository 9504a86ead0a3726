/**
 * Node only: fetch() over a folder, as the site serves it (public/ by default), so the browser's
 * loaders run in scripts and tests on the repository's files. A missing file answers 404.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { FetchLike } from './fetch-cached';

export function folderFetch(root = 'public'): FetchLike {
  return async (url: string) => {
    const file = join(root, decodeURIComponent(new URL(url).pathname));
    if (!existsSync(file) || !statSync(file).isFile()) return new Response('not found', { status: 404 });
    const bytes = readFileSync(file);
    return new Response(new Uint8Array(bytes), { status: 200, headers: { 'content-length': String(bytes.length) } });
  };
}
