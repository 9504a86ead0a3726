/** Test helpers for the trainer: the repository's public/ folder served as a fake site. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const SITE = 'http://dit-lab.test/';

/** fetch() over public/: 404 for files that are not there. */
export async function fileFetch(url: string): Promise<Response> {
  const path = join('public', decodeURIComponent(new URL(url).pathname));
  if (!existsSync(path)) return new Response('not found', { status: 404 });
  const bytes = readFileSync(path);
  return new Response(new Uint8Array(bytes), { status: 200, headers: { 'content-length': String(bytes.length) } });
}
