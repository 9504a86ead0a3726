/**
 * Slice and SplitV for tfjs-backend-wasm that copy straight between views of the WebAssembly heap.
 *
 * The package's own Slice (4.22) first reads its whole input with readSync, which copies it into a
 * fresh ArrayBuffer, and SplitV does that once per part. In Chromium that made the qkv split of a
 * batch-32 sampling step cost 51 of the forward's 110 ms, and slicing a layer's weights into its q, k
 * and v blocks slowed the in-browser trainer. These kernels give the same results
 * (tests/unit/backend/wasm-slice.test.ts); strings and ranks above 6 still go to the package's own.
 * Installed by lib/backend/init.ts (browser workers) and lib/node-backend.ts once the wasm backend's
 * kernels are registered.
 */
import { tf } from '../tf';

type Heap = Float32Array | Int32Array | Uint8Array;

/** The part of tfjs-backend-wasm's BackendWasm these kernels use (public methods of the class). */
interface WasmBackend {
  makeOutput(shape: number[], dtype: tf.DataType): tf.TensorInfo;
  typedArrayFromHeap(t: tf.TensorInfo): Heap;
}

/**
 * Copies x[begin : begin + size] into a new output. The innermost axes that the slice takes whole
 * merge into one contiguous run, so a slice along the first axis is one copy.
 */
function sliceInto(backend: WasmBackend, x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
  const out = backend.makeOutput(size, x.dtype);
  const count = size.reduce((a, b) => a * b, 1);
  if (count === 0) return out;
  // Views after makeOutput: its allocation may grow the heap, which detaches older views.
  const src = backend.typedArrayFromHeap(x);
  const dst = backend.typedArrayFromHeap(out);
  const rank = size.length;
  const st = [...tf.util.computeStrides(x.shape), 1]; // row-major, in elements (tfjs leaves out the last)
  let inner = rank - 1;
  let run = size[rank - 1] ?? 1;
  while (inner > 0 && size[inner] === x.shape[inner]) {
    inner--;
    run *= size[inner];
  }
  const base = begin[inner] * st[inner];
  const rows = count / run;
  const idx = new Array<number>(inner).fill(0); // position over the outer axes 0 .. inner-1
  for (let r = 0, o = 0; r < rows; r++, o += run) {
    let from = base;
    for (let j = 0; j < inner; j++) from += (begin[j] + idx[j]) * st[j];
    if (run >= 16) dst.set(src.subarray(from, from + run), o);
    else for (let k = 0; k < run; k++) dst[o + k] = src[from + k];
    for (let j = inner - 1; j >= 0; j--) {
      if (++idx[j] < size[j]) break;
      idx[j] = 0;
    }
  }
  return out;
}

let installed = false;

/** Registers `run` as the wasm kernel `name`, handing strings and ranks above 6 to the package's own. */
function replaceKernel(
  name: 'Slice' | 'SplitV',
  run: (x: tf.TensorInfo, backend: WasmBackend, attrs: Record<string, unknown>) => tf.TensorInfo | tf.TensorInfo[],
) {
  const own = tf.getKernel(name, 'wasm')!;
  tf.unregisterKernel(name, 'wasm');
  tf.registerKernel({
    kernelName: name,
    backendName: 'wasm',
    kernelFunc: (args) => {
      const x = args.inputs.x as tf.TensorInfo;
      if (x.dtype === 'string' || x.shape.length > 6) return own.kernelFunc(args);
      return run(x, args.backend as unknown as WasmBackend, args.attrs as unknown as Record<string, unknown>);
    },
  });
}

/** Replaces the wasm backend's Slice and SplitV kernels (once). */
export function installWasmSlice(): void {
  if (installed || !tf.getKernel('Slice', 'wasm') || !tf.getKernel('SplitV', 'wasm')) return; // no wasm backend in this bundle
  installed = true;
  replaceKernel('Slice', (x, backend, attrs) => {
    const [b, s] = tf.slice_util.parseSliceParams(x as tf.Tensor, attrs.begin as number[], attrs.size as number[]);
    return sliceInto(backend, x, b, s);
  });
  replaceKernel('SplitV', (x, backend, attrs) => {
    const ax = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0];
    const sizes = tf.backend_util.prepareSplitSize(x as tf.Tensor, attrs.numOrSizeSplits as number | number[], ax);
    const begin = new Array<number>(x.shape.length).fill(0);
    return sizes.map((n) => {
      const size = [...x.shape];
      size[ax] = n;
      const part = sliceInto(backend, x, [...begin], size);
      begin[ax] += n;
      return part;
    });
  });
}
