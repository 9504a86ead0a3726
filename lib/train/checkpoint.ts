/**
 * A training checkpoint as one self-describing binary: everything a bit-identical resume needs
 * (weights, AdamW moments, EMA, step, RNG state, data order, the loss log so far).
 *
 *   bytes 0-3   'DLCK'
 *   4-7         format version (uint32 LE)
 *   8-11        JSON header length L (uint32 LE)
 *   12..12+L    JSON header (UTF-8): { meta, tensors: [{ name, shape, offset }] }, offsets in floats
 *   then zero padding to a multiple of 4, then all tensors as float32 LE, back to back
 */

const MAGIC = [0x44, 0x4c, 0x43, 0x4b]; // 'DLCK'
const VERSION = 1;

export interface TensorEntry {
  name: string;
  shape: number[];
  data: Float32Array;
}

export interface CheckpointFile<M> {
  meta: M;
  tensors: TensorEntry[];
}

function size(shape: number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

export function encodeCheckpoint<M>(ck: CheckpointFile<M>): Uint8Array {
  let offset = 0;
  const specs = ck.tensors.map((t) => {
    if (t.data.length !== size(t.shape)) throw new Error(`encodeCheckpoint: '${t.name}' has ${t.data.length} values for shape (${t.shape.join(', ')})`);
    const spec = { name: t.name, shape: t.shape, offset };
    offset += t.data.length;
    return spec;
  });
  const header = new TextEncoder().encode(JSON.stringify({ meta: ck.meta, tensors: specs }));
  const dataStart = Math.ceil((12 + header.length) / 4) * 4;
  const out = new Uint8Array(dataStart + offset * 4);
  out.set(MAGIC, 0);
  const view = new DataView(out.buffer);
  view.setUint32(4, VERSION, true);
  view.setUint32(8, header.length, true);
  out.set(header, 12);
  const floats = new Float32Array(out.buffer, dataStart, offset);
  ck.tensors.forEach((t, i) => floats.set(t.data, specs[i].offset));
  return out;
}

export function decodeCheckpoint<M>(bytes: Uint8Array): CheckpointFile<M> {
  if (bytes.length < 12 || MAGIC.some((m, i) => bytes[i] !== m)) throw new Error('Not a DiT Lab checkpoint (bad magic bytes)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(4, true);
  if (version !== VERSION) throw new Error(`Unsupported checkpoint version ${version}`);
  const headerLength = view.getUint32(8, true);
  if (12 + headerLength > bytes.length) throw new Error('Checkpoint is truncated (header runs past the end)');
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(12, 12 + headerLength))) as {
    meta: M;
    tensors: { name: string; shape: number[]; offset: number }[];
  };
  const dataStart = Math.ceil((12 + headerLength) / 4) * 4;
  const total = header.tensors.reduce((n, t) => Math.max(n, t.offset + size(t.shape)), 0);
  const expected = dataStart + total * 4;
  if (bytes.length !== expected) throw new Error(`Checkpoint is truncated or padded: ${bytes.length} bytes, expected ${expected}`);
  // Copy so the floats are aligned whatever the byteOffset of the input.
  const floats = new Float32Array(bytes.slice(dataStart, expected).buffer);
  return {
    meta: header.meta,
    tensors: header.tensors.map((t) => ({ name: t.name, shape: t.shape, data: floats.slice(t.offset, t.offset + size(t.shape)) })),
  };
}
