/**
 * Turning what a teacher drops on the grading page into submission texts: JSON files as they are,
 * and zips as course sites export them (Canvas prefixes each file with the student's name and ids,
 * Moodle gives each student a folder), nested folders included. Every file is hostile: sizes are
 * checked before reading, a zip is inflated in small steps with a running count (a zip bomb is
 * stopped at the cap, whatever its headers claim), and each problem names its file.
 */
import { Unzip, UnzipInflate, UnzipPassThrough, strFromU8 } from 'fflate';

/** The largest file read at all (a zip of a whole class is a few megabytes). */
export const MAX_UPLOAD_BYTES = 20_000_000;
/** The largest submission read (a real one is a few kilobytes; 40 exercises of long code stay under it). */
export const MAX_SUBMISSION_BYTES = 4_000_000;
/** The most submissions one import reads, and the most bytes all of them may inflate to. */
export const MAX_FILES = 1_000;
export const MAX_TOTAL_BYTES = 60_000_000;
/** Compressed bytes handed to the inflater at a time: one step can grow at most about a thousandfold. */
const STEP = 16_384;

export interface Doc {
  /** Where it came from, as the teacher sees it: "class.zip › ada/dit-lab-week-3-ada.json". */
  name: string;
  text: string;
}
export interface Problem {
  name: string;
  message: string;
}
export interface Unpacked {
  docs: Doc[];
  problems: Problem[];
  /** Files passed over on purpose (not JSON: a PDF, a folder's index, macOS's __MACOSX copies). */
  skipped: string[];
}

const isZip = (bytes: Uint8Array) =>
  bytes.length >= 4 && bytes[0] === 0x50 && bytes[1] === 0x4b && (bytes[2] === 3 || bytes[2] === 5) && bytes[3] === bytes[2] + 1;

function text(name: string, bytes: Uint8Array, out: Unpacked): void {
  if (bytes.length > MAX_SUBMISSION_BYTES) {
    out.problems.push({ name, message: `${mb(bytes.length)} is larger than any submission (${mb(MAX_SUBMISSION_BYTES)} at most); not read.` });
    return;
  }
  try {
    out.docs.push({ name, text: strFromU8(bytes) });
  } catch {
    out.problems.push({ name, message: 'not text: this is not a DiT Lab submission.' });
  }
}

const mb = (n: number) => `${(n / 1e6).toFixed(n < 1e7 ? 1 : 0)} MB`;

/** A zip's JSON files, each capped while it inflates. */
function unzip(zipName: string, bytes: Uint8Array, out: Unpacked): void {
  let total = 0;
  let files = 0;
  let stop: string | null = null;
  const uz = new Unzip();
  uz.register(UnzipInflate);
  uz.register(UnzipPassThrough);
  uz.onfile = (f) => {
    const name = `${zipName} › ${f.name}`;
    const base = f.name.split('/').pop() ?? '';
    if (stop || f.name.endsWith('/')) return;
    if (f.name.startsWith('__MACOSX/') || base.startsWith('.') || !/\.json$/i.test(base)) {
      out.skipped.push(name);
      return;
    }
    if (++files > MAX_FILES) {
      stop = `more than ${MAX_FILES} files; the rest were not read.`;
      return;
    }
    if (f.originalSize !== undefined && f.originalSize > MAX_SUBMISSION_BYTES) {
      out.problems.push({ name, message: `says it holds ${mb(f.originalSize)}, larger than any submission; not read.` });
      return;
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    let failed = false;
    f.ondata = (err, chunk, final) => {
      if (failed) return;
      if (err) {
        failed = true;
        out.problems.push({ name, message: 'damaged inside the zip; not read.' });
        return;
      }
      size += chunk.length;
      total += chunk.length;
      if (size > MAX_SUBMISSION_BYTES || total > MAX_TOTAL_BYTES) {
        failed = true;
        f.terminate();
        out.problems.push({
          name,
          message:
            size > MAX_SUBMISSION_BYTES
              ? `inflates to more than ${mb(MAX_SUBMISSION_BYTES)} (a zip bomb, or not a submission); not read.`
              : `the zip inflates to more than ${mb(MAX_TOTAL_BYTES)} in all; not read.`,
        });
        if (total > MAX_TOTAL_BYTES) stop = `inflates to more than ${mb(MAX_TOTAL_BYTES)} in all; the rest was not read.`;
        return;
      }
      chunks.push(chunk);
      if (final) {
        const all = new Uint8Array(size);
        let at = 0;
        for (const c of chunks) {
          all.set(c, at);
          at += c.length;
        }
        text(name, all, out);
      }
    };
    try {
      f.start();
    } catch {
      out.problems.push({ name, message: 'compressed in a way this page cannot read (only stored and deflated files are); not read.' });
    }
  };
  try {
    for (let i = 0; i < bytes.length && !stop; i += STEP) uz.push(bytes.subarray(i, Math.min(bytes.length, i + STEP)), i + STEP >= bytes.length);
  } catch {
    out.problems.push({ name: zipName, message: 'this zip is damaged or cut short; the files read before the damage are kept.' });
  }
  if (stop) out.problems.push({ name: zipName, message: stop });
}

/**
 * Reads uploads: each is { name, size, bytes() } (a browser File fits), so a file larger than the
 * cap is refused by its size before a byte of it is read.
 */
export async function unpackUploads(files: readonly { name: string; size: number; arrayBuffer(): Promise<ArrayBuffer> }[]): Promise<Unpacked> {
  const out: Unpacked = { docs: [], problems: [], skipped: [] };
  for (const f of files) {
    if (f.size > MAX_UPLOAD_BYTES) {
      out.problems.push({
        name: f.name,
        message: `${mb(f.size)} is larger than this page reads (${mb(MAX_UPLOAD_BYTES)}); a class's zip of submissions is far smaller.`,
      });
      continue;
    }
    let bytes: Uint8Array;
    try {
      bytes = new Uint8Array(await f.arrayBuffer());
    } catch {
      out.problems.push({ name: f.name, message: 'the browser could not read this file.' });
      continue;
    }
    if (isZip(bytes)) unzip(f.name, bytes, out);
    else if (/\.json$/i.test(f.name) || bytes[0] === 0x7b) text(f.name, bytes, out);
    else out.problems.push({ name: f.name, message: 'neither a submission (.json) nor a zip of them; not read.' });
  }
  return out;
}
