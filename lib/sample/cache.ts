/**
 * A disk cache of finished sampling chunks (lib/sample/node.ts sampleImages), so an interrupted ship
 * (dit-ship.ts) or `eval` resumes where it stopped instead of drawing hours of samples again.
 *
 * One file per chunk, named by a sha256 of everything that determines its images (node.ts
 * chunkKeyBase plus the chunk's index and labels): the weights actually sampled, the model configuration, the VAE's hash and scale factor,
 * a probe of what this process's code computes with them (node.ts samplingProbe), the spec (the
 * chunk's labels, steps, sampler, CFG scale, eta, seed), the chunk index and the chunk size. A file
 * holds the chunk's n x 1,024 float32 values followed by the sha256 of those bytes; it is written
 * to FILE.<pid>.<thread>.tmp and renamed, so a killed process leaves either the whole file or none.
 * A file of the wrong length or whose checksum does not match is ignored and the chunk drawn again.
 * The cache only ever saves time: a full disk or an unwritable or unreadable folder makes it miss
 * (and count the failure in stats), never makes sampling fail.
 *
 * The cache lives in <DIT_CHECKPOINT_ROOT or checkpoints>/sample-cache/ (gitignored with
 * checkpoints/; `train all --root DIR` keeps it under DIR). Runs that finish delete the files they
 * used (removeUsed), so only an unfinished run's chunks stay on disk.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { threadId } from 'node:worker_threads';
import type { DiT } from '../dit/model';

/** Bumped when the file format or the key's meaning changes, so older files are never read. */
export const SAMPLE_CACHE_FORMAT = 2;
const SUFFIX = '.f32';
const CHECKSUM_BYTES = 32;

/** The cache folder, read when called: DIT_CHECKPOINT_ROOT (set by `train all --root`) or checkpoints/. */
export function sampleCacheDir(): string {
  return join(process.env.DIT_CHECKPOINT_ROOT ?? 'checkpoints', 'sample-cache');
}

/** sha256 (hex) of a JSON-able description: the same description gives the same key in every process. */
export function hashKey(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

/**
 * sha256 of the weights a DiT holds (every state_dict entry by name, with its shape and float32
 * values) and its configuration: the weights actually sampled, whether they came from a checkpoint
 * (raw or EMA) or a shipped folder (after dequantisation).
 */
export function weightsHash(model: DiT): string {
  const h = createHash('sha256');
  h.update(JSON.stringify(model.config));
  const sd = model.stateDict();
  for (const name of Object.keys(sd).sort()) {
    const v = sd[name];
    h.update(`${name}:${v.shape.join('x')}:${v.dtype};`);
    const d = v.dataSync();
    h.update(new Uint8Array(d.buffer, d.byteOffset, d.byteLength));
  }
  return h.digest('hex');
}

/** Whether a process id is alive (a .tmp file of a dead process is an interrupted write). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface SampleCacheStats {
  /** Chunks read from the cache. */
  reused: number;
  /** Chunks drawn and written. */
  written: number;
  /** Cache files that were there but unusable (wrong length or checksum), drawn again. */
  rejected: number;
  /** Drawn chunks that could not be written (full disk, unwritable folder): sampling goes on without them. */
  failed: number;
  /** The first write error, for the log. */
  error?: string;
}

/** A chunk cache folder, and the files this run used (to delete them when the run has finished). */
export class SampleCache {
  readonly dir: string;
  readonly stats: SampleCacheStats = { reused: 0, written: 0, rejected: 0, failed: 0 };
  private readonly used = new Set<string>();

  constructor(dir = sampleCacheDir()) {
    this.dir = dir;
    this.removeStaleTemporaries();
  }

  /** The file of a chunk key. */
  file(key: string): string {
    return join(this.dir, key.slice(0, 40) + SUFFIX);
  }

  /** A cached chunk of `length` float32 values, or null if absent, short or corrupt. */
  read(key: string, length: number): Float32Array | null {
    const f = this.file(key);
    if (!existsSync(f)) return null;
    let b: Buffer;
    try {
      b = readFileSync(f);
    } catch {
      return null;
    }
    const bytes = length * 4;
    const ok = b.byteLength === bytes + CHECKSUM_BYTES && createHash('sha256').update(b.subarray(0, bytes)).digest().equals(b.subarray(bytes));
    if (!ok) {
      this.stats.rejected++;
      return null;
    }
    this.used.add(f);
    this.stats.reused++;
    // Copy into a fresh buffer: a Buffer's offset need not be a multiple of 4.
    return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + bytes));
  }

  /**
   * Writes a chunk atomically (temporary file, then rename over any old copy). Returns false, counts
   * the failure and removes its own partial temporary file when the disk refuses (ENOSPC, EACCES,
   * EROFS, ...): the caller has the chunk in memory, only a later resume loses it.
   */
  write(key: string, values: Float32Array): boolean {
    const f = this.file(key);
    const tmp = `${f}.${process.pid}.${threadId}.tmp`;
    try {
      mkdirSync(this.dir, { recursive: true });
      const data = new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
      const sum = createHash('sha256').update(data).digest();
      writeFileSync(tmp, Buffer.concat([data, sum]));
      renameSync(tmp, f);
    } catch (e) {
      this.stats.failed++;
      this.stats.error ??= e instanceof Error ? e.message : String(e);
      try {
        rmSync(tmp, { force: true });
      } catch {
        // The folder is unusable; the next SampleCache removes the file once this process has ended.
      }
      return false;
    }
    this.used.add(f);
    this.stats.written++;
    return true;
  }

  /** Files read or written through this cache, and those noted from another thread's copy. */
  usedFiles(): string[] {
    return [...this.used];
  }

  /** Adds files another thread used (node.ts: the sampling worker reports them). */
  note(files: readonly string[]): void {
    for (const f of files) this.used.add(f);
  }

  /**
   * Deletes every file this run used (after the run has finished); returns how many it deleted. A
   * file it cannot delete stays (the run has finished: its result must not be lost to a cleanup).
   */
  removeUsed(): number {
    let n = 0;
    for (const f of this.used) {
      try {
        if (existsSync(f)) {
          rmSync(f, { force: true });
          n++;
        }
      } catch {
        // Left on disk; it is keyed by its contents, so it can only serve an identical run.
      }
    }
    this.used.clear();
    return n;
  }

  /** Deletes half-written files of processes that no longer run (best effort: an unreadable folder is left alone). */
  private removeStaleTemporaries(): void {
    let names: string[];
    try {
      if (!existsSync(this.dir)) return;
      names = readdirSync(this.dir);
    } catch {
      return;
    }
    for (const name of names) {
      const m = /\.(\d+)\.\d+\.tmp$/.exec(name);
      if (!m || alive(Number(m[1]))) continue;
      try {
        rmSync(join(this.dir, name), { force: true });
      } catch {
        // Not ours to fight over: it is never read (only *.f32 files are).
      }
    }
  }
}
