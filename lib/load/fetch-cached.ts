/**
 * Fetching model files with progress, keeping them in the browser's Cache API storage.
 *
 * Model folders are versioned (dit-default-v1, vae-v1): a folder's files never change, so a cached
 * copy is always valid and a second visit loads without the network. A file is cached only after it
 * was read completely and the caller's check accepted it, and a cached file that fails a later check
 * is deleted (forget), so a corrupt download never sticks.
 *
 * Everything browser-specific is passed in (fetch, the cache), so this runs in Node tests too.
 */

/** The part of the Cache API used here (window.caches.open(...) returns one). */
export interface CacheLike {
  match(url: string): Promise<Response | undefined>;
  put(url: string, response: Response): Promise<void>;
  delete(url: string): Promise<boolean>;
}

export type FetchLike = (url: string) => Promise<Response>;

export interface FetchedFile {
  url: string;
  /** The key the file is (or will be) stored under in the cache. */
  key: string;
  bytes: Uint8Array;
  fromCache: boolean;
}

/** Cache name; bump the suffix when the stored layout changes. */
export const MODEL_CACHE_NAME = 'dit-lab-models-v1';

/** The browser's cache for model files, or null where the Cache API is missing (http pages, some private modes). */
export async function openModelCache(): Promise<CacheLike | null> {
  try {
    const c = (globalThis as { caches?: CacheStorage }).caches;
    return c ? await c.open(MODEL_CACHE_NAME) : null;
  } catch {
    return null;
  }
}

export class FetchError extends Error {
  constructor(
    message: string,
    readonly url: string,
  ) {
    super(message);
    this.name = 'FetchError';
  }
}

/** Reads a response body chunk by chunk, reporting bytes read (total from Content-Length when known). */
async function readWithProgress(res: Response, url: string, onBytes: (loaded: number, total: number | null) => void): Promise<Uint8Array> {
  const lengthHeader = res.headers.get('content-length');
  // Content-Length is the encoded size; with gzip it differs from what the body yields, so it is only a hint.
  const total = lengthHeader && !res.headers.get('content-encoding') ? Number(lengthHeader) : null;
  if (!res.body) {
    const buf = new Uint8Array(await res.arrayBuffer());
    onBytes(buf.length, buf.length);
    return buf;
  }
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let loaded = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    loaded += value.length;
    onBytes(loaded, total);
  }
  if (total !== null && loaded !== total) throw new FetchError(`${url}: read ${loaded} bytes, expected ${total}`, url);
  const out = new Uint8Array(loaded);
  let o = 0;
  for (const c of chunks) {
    out.set(c, o);
    o += c.length;
  }
  return out;
}

/**
 * Fetches files (from the cache when present) and reports the bytes loaded over all of them.
 * expectedBytes, when known per file (from a weights manifest), makes the total exact from the start
 * and rejects a file of the wrong size before it is cached.
 */
export async function fetchFiles(
  urls: string[],
  opts: {
    fetch: FetchLike;
    cache: CacheLike | null;
    expectedBytes?: (number | null)[];
    onProgress?: (loaded: number, total: number, file: string) => void;
    /** Cache key per URL (default the URL): lets a folder's files be keyed by its manifest's content. */
    cacheKey?: (url: string) => string;
  },
): Promise<FetchedFile[]> {
  const keyOf = opts.cacheKey ?? ((u: string) => u);
  const known = opts.expectedBytes ?? urls.map(() => null);
  const sizes: number[] = known.map((n) => n ?? 0);
  const loaded: number[] = urls.map(() => 0);
  const report = (file: string) =>
    opts.onProgress?.(
      loaded.reduce((a, b) => a + b, 0),
      sizes.reduce((a, b) => a + b, 0),
      file,
    );

  // Sequential: the shards are a few hundred KB each and two cores serve the page too.
  const out: FetchedFile[] = [];
  for (let i = 0; i < urls.length; i++) {
    const url = urls[i];
    const key = keyOf(url);
    let bytes: Uint8Array | null = null;
    let fromCache = false;
    const hit = opts.cache ? await opts.cache.match(key).catch(() => undefined) : undefined;
    if (hit) {
      bytes = new Uint8Array(await hit.arrayBuffer());
      fromCache = true;
      if (known[i] !== null && bytes.length !== known[i]) {
        // A truncated cache entry: drop it and fetch again.
        await opts.cache?.delete(key);
        bytes = null;
        fromCache = false;
      }
    }
    if (!bytes) {
      let res: Response;
      try {
        res = await opts.fetch(url);
      } catch (e) {
        throw new FetchError(`${url}: ${(e as Error).message}`, url);
      }
      if (!res.ok) throw new FetchError(`${url}: HTTP ${res.status}${res.status === 404 ? ' (file not found)' : ''}`, url);
      bytes = await readWithProgress(res, url, (n, total) => {
        loaded[i] = n;
        if (known[i] === null && total !== null) sizes[i] = total;
        if (sizes[i] < n) sizes[i] = n;
        report(url);
      });
      if (known[i] !== null && bytes.length !== known[i]) {
        throw new FetchError(`${url}: ${bytes.length} bytes, the manifest says ${known[i]}`, url);
      }
    }
    loaded[i] = bytes.length;
    sizes[i] = Math.max(sizes[i], bytes.length);
    report(url);
    out.push({ url, key, bytes, fromCache });
  }
  return out;
}

/** Stores fetched files that are not cached yet; call after the files passed every check. */
export async function cacheFiles(cache: CacheLike | null, files: FetchedFile[], contentType = 'application/octet-stream'): Promise<void> {
  if (!cache) return;
  for (const f of files) {
    if (f.fromCache) continue;
    try {
      await cache.put(
        f.key,
        new Response(f.bytes.slice().buffer as ArrayBuffer, { headers: { 'content-type': contentType, 'content-length': String(f.bytes.length) } }),
      );
    } catch {
      // Storage full or denied: the model still runs, only the next visit refetches.
    }
  }
}

/** Deletes cached files (after a cached copy failed verification). */
export async function forgetFiles(cache: CacheLike | null, urls: string[]): Promise<void> {
  if (!cache) return;
  for (const u of urls) await cache.delete(u).catch(() => false);
}

/** FNV-1a over a string's UTF-16 code units, as 8 hex digits: a short content tag for cache keys. */
export function contentTag(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

/** Joins a base URL and a relative path with exactly one slash. */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
}
