/**
 * Trainable convolutions that work on every tfjs backend, wasm included. tfjs-wasm has no
 * Conv2DBackpropFilter kernel (ARCHITECTURE.md), so tf.conv2d cannot be trained there. These layers
 * keep PyTorch's weight names and shapes and get their weight gradients another way:
 *
 *   conv2d            k x k, stride 1, 'same' padding (PyTorch Conv2d(k, padding=k//2)). The forward
 *                     pass, the input gradient (a correlation of dy with the flipped kernel) and the
 *                     weight gradient (a correlation of x with dy, batch and channel axes swapped) are
 *                     all the native Conv2D kernel (XNNPACK on wasm), which every backend has.
 *   patchConv2d       PyTorch Conv2d(kernel = stride = s): non-overlapping patches, i.e.
 *                     space-to-depth (reshape and transpose) followed by a linear layer.
 *   convTranspose2d   PyTorch ConvTranspose2d(kernel = stride = s): a linear layer followed by
 *                     depth-to-space; the shape inverse of patchConv2d.
 *
 * Activations are NHWC; weights are PyTorch's: Conv2d (out, in, kh, kw), ConvTranspose2d
 * (in, out, kh, kw). Letters: N batch, H height, W width, C channels, O output channels, M = N*H*W.
 */
import { tf } from '../tf';
import { linear } from '../dit/layers';

type Tensor = tf.Tensor;

const convSame = tf.customGrad((...args: (Tensor | tf.GradSaveFunc)[]) => {
  const [x, w, b] = args as Tensor[];
  const save = args[3] as tf.GradSaveFunc;
  const x4 = x as tf.Tensor4D; // (N, H, W, C)
  const wHWIO = tf.transpose(w, [2, 3, 1, 0]) as tf.Tensor4D; // (kh, kw, C, O)
  const value = tf.add(tf.conv2d(x4, wHWIO, 1, 'same'), b) as tf.Tensor4D; // (N, H, W, O)
  save([x4, w]);
  return {
    value,
    gradFunc: (dy: Tensor, saved: Tensor[]) => {
      const [xs, ws] = saved;
      const [, , k] = ws.shape;
      const dy4 = dy as tf.Tensor4D; // (N, H, W, O)
      // Input gradient of a stride-1 'same' correlation: correlate dy with the spatially flipped kernel,
      // in and out channels swapped. Native Conv2D (conv2dTranspose was measured 10x slower on wasm).
      const flipped = tf.reverse(tf.transpose(ws, [2, 3, 0, 1]), [0, 1]) as tf.Tensor4D; // (kh, kw, O, C)
      const dx = tf.conv2d(dy4, flipped, 1, 'same'); // (N, H, W, C)
      // Weight gradient dW[o, c, i, j] = sum_{n,h,w} xpad[n, h+i, w+j, c] dy[n, h, w, o]: a 'valid'
      // correlation of xpad, viewed as C images of N channels, with dy viewed as an (H, W) filter from
      // N to O channels; the output is k x k. Native Conv2D again, with two small transposes; measured
      // 2-9x faster on wasm than im2col + matmul (whose big transposes or operand repacking dominate).
      const p = (k - 1) / 2;
      const xpT = tf.transpose(
        tf.pad(xs as tf.Tensor4D, [
          [0, 0],
          [p, p],
          [p, p],
          [0, 0],
        ]),
        [3, 1, 2, 0],
      ) as tf.Tensor4D; // (C, H+2p, W+2p, N)
      const dyF = tf.transpose(dy4, [1, 2, 0, 3]) as tf.Tensor4D; // (H, W, N, O)
      const dw = tf.transpose(tf.conv2d(xpT, dyF, 1, 'valid'), [3, 0, 1, 2]); // (C, k, k, O) -> (O, C, kh, kw)
      const db = tf.sum(dy4, [0, 1, 2]); // (O)
      return [dx, dw, db];
    },
  };
});

/**
 * PyTorch Conv2d(C, O, k, stride=1, padding=k//2) on NHWC input. x (N, H, W, C), w (O, C, k, k),
 * b (O) -> (N, H, W, O). k must be odd.
 */
export function conv2d(x: Tensor, w: Tensor, b: Tensor): Tensor {
  const [o, c, kh, kw] = w.shape;
  if (x.rank !== 4 || x.shape[3] !== c) throw new Error(`conv2d: x must be (N, H, W, ${c}); got (${x.shape.join(', ')})`);
  if (kh !== kw || kh % 2 !== 1) throw new Error(`conv2d: kernel must be square and odd; got ${kh}x${kw}`);
  if (b.rank !== 1 || b.shape[0] !== o) throw new Error(`conv2d: bias must be (${o})`);
  return convSame(x, w, b);
}

/** (N, H, W, C) -> (N, H/s, W/s, C*s*s), features ordered (C, sh, sw) as PyTorch flattens a Conv2d kernel. */
export function spaceToDepth(x: Tensor, s: number): Tensor {
  const [n, h, w, c] = x.shape;
  if (h % s !== 0 || w % s !== 0) throw new Error(`spaceToDepth: ${h}x${w} is not divisible by ${s}`);
  const r = tf.reshape(x, [n, h / s, s, w / s, s, c]); // (N, H/s, sh, W/s, sw, C)
  return tf.reshape(tf.transpose(r, [0, 1, 3, 5, 2, 4]), [n, h / s, w / s, c * s * s]);
}

/** Inverse of spaceToDepth: (N, H, W, C*s*s) with features (C, sh, sw) -> (N, H*s, W*s, C). */
export function depthToSpace(x: Tensor, s: number): Tensor {
  const [n, h, w, f] = x.shape;
  const c = f / (s * s);
  const r = tf.reshape(x, [n, h, w, c, s, s]); // (N, H, W, C, sh, sw)
  return tf.reshape(tf.transpose(r, [0, 1, 4, 2, 5, 3]), [n, h * s, w * s, c]);
}

/**
 * PyTorch Conv2d(C, O, kernel_size=s, stride=s): x (N, H, W, C), w (O, C, s, s), b (O)
 * -> (N, H/s, W/s, O). Non-overlapping patches, so it is exactly space-to-depth and a linear layer.
 */
export function patchConv2d(x: Tensor, w: Tensor, b: Tensor): Tensor {
  const [o, c, s] = w.shape;
  if (x.shape[3] !== c) throw new Error(`patchConv2d: x has ${x.shape[3]} channels, weight expects ${c}`);
  const patches = spaceToDepth(x, s); // (N, H/s, W/s, C*s*s)
  return linear(patches, tf.reshape(w, [o, c * s * s]), b); // (N, H/s, W/s, O)
}

/**
 * PyTorch ConvTranspose2d(C, O, kernel_size=s, stride=s): x (N, H, W, C), w (C, O, s, s), b (O)
 * -> (N, H*s, W*s, O). Each input pixel writes its own s x s output patch: a linear layer to
 * O*s*s features per pixel, then depth-to-space.
 */
export function convTranspose2d(x: Tensor, w: Tensor, b: Tensor): Tensor {
  const [c, o, s] = w.shape;
  if (x.shape[3] !== c) throw new Error(`convTranspose2d: x has ${x.shape[3]} channels, weight expects ${c}`);
  const wT = tf.transpose(tf.reshape(w, [c, o * s * s])); // (O*s*s, C): (out, in) for linear
  const zero = tf.zeros([o * s * s]);
  const y = linear(x, wT, zero); // (N, H, W, O*s*s), features (O, sh, sw)
  return tf.add(depthToSpace(y, s), b); // (N, H*s, W*s, O)
}
