/**
 * The evaluation classifier: a small CNN trained on the train split (scripts/train/classifier.ts).
 * Its logits give the conditional accuracy of generated digits; its penultimate features (the
 * 128 SiLU activations before the last linear layer) define the Frechet LeNet Distance (frechet.ts).
 * Same preprocessing as everything else: (N, 32, 32, 1) in [-1, 1].
 *
 *   features.conv_in   Conv2d(1, 16, 3, padding 1)      32x32
 *   features.down.0    Conv2d(16, 32, 2, stride 2)      -> 16x16
 *   features.conv.0    Conv2d(32, 32, 3, padding 1)     16x16
 *   features.down.1    Conv2d(32, 64, 2, stride 2)      -> 8x8
 *   features.conv.1    Conv2d(64, 64, 3, padding 1)     8x8
 *   features.down.2    Conv2d(64, 64, 2, stride 2)      -> 4x4, flattened in PyTorch's (C, H, W) order
 *   fc1                Linear(1024, 128)                 penultimate features (after SiLU)
 *   fc2                Linear(128, 10)                   logits
 *
 * Letters: N batch, F feature size.
 */
import { tf } from '../tf';
import { shapeProblems } from '../weights';
import { conv2d, patchConv2d } from '../nn/conv';
import { torchDefaultVariables } from '../nn/init';
import { linear, silu } from '../dit/layers';

type Tensor = tf.Tensor;

export interface ClassifierConfig {
  imageSize: number;
  channels: [number, number, number];
  featureSize: number;
  numClasses: number;
}

export const CLASSIFIER_V1: ClassifierConfig = { imageSize: 32, channels: [16, 32, 64], featureSize: 128, numClasses: 10 };

export function classifierShapes(c: ClassifierConfig): Record<string, number[]> {
  const [c0, c1, c2] = c.channels;
  const flat = c2 * (c.imageSize / 8) ** 2;
  return {
    'features.conv_in.weight': [c0, 1, 3, 3],
    'features.conv_in.bias': [c0],
    'features.down.0.weight': [c1, c0, 2, 2],
    'features.down.0.bias': [c1],
    'features.conv.0.weight': [c1, c1, 3, 3],
    'features.conv.0.bias': [c1],
    'features.down.1.weight': [c2, c1, 2, 2],
    'features.down.1.bias': [c2],
    'features.conv.1.weight': [c2, c2, 3, 3],
    'features.conv.1.bias': [c2],
    'features.down.2.weight': [c2, c2, 2, 2],
    'features.down.2.bias': [c2],
    'fc1.weight': [c.featureSize, flat],
    'fc1.bias': [c.featureSize],
    'fc2.weight': [c.numClasses, c.featureSize],
    'fc2.bias': [c.numClasses],
  };
}

export function countClassifierParameters(c: ClassifierConfig): number {
  return Object.values(classifierShapes(c)).reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0);
}

/** Forward FLOPs per image (2 per multiply-add). */
export function classifierFlopsPerImage(c: ClassifierConfig): number {
  const s = c.imageSize;
  const side: Record<string, number> = { conv_in: s, 'down.0': s / 2, 'conv.0': s / 2, 'down.1': s / 4, 'conv.1': s / 4, 'down.2': s / 8 };
  let f = 0;
  for (const [name, shape] of Object.entries(classifierShapes(c))) {
    if (!name.endsWith('.weight')) continue;
    const size = shape.reduce((a, b) => a * b, 1);
    const layer = name.replace(/^features\./, '').replace(/\.weight$/, '');
    f += 2 * size * (name.startsWith('features.') ? side[layer] ** 2 : 1);
  }
  return f;
}

export class DigitClassifier {
  readonly config: ClassifierConfig;
  readonly shapes: Record<string, number[]>;
  readonly params: Record<string, tf.Variable>;

  /** PyTorch default init (lib/nn/init.ts), seeded. */
  constructor(config: ClassifierConfig = CLASSIFIER_V1, seed = 0) {
    this.config = { ...config, channels: [...config.channels] as [number, number, number] };
    this.shapes = classifierShapes(config);
    // Conv2d (out, in, kh, kw) and Linear (out, in): fan_in is everything after the first axis.
    this.params = torchDefaultVariables(this.shapes, { seed, salt: 37, prefix: 'classifier', fanIn: (shape) => shape.slice(1).reduce((a, b) => a * b, 1) });
  }

  private w(name: string): Tensor {
    return this.params[name];
  }

  /** x (N, 32, 32, 1) in [-1, 1] -> penultimate features (N, F) and logits (N, 10). */
  forward(x: Tensor): { features: Tensor; logits: Tensor } {
    const s = this.config.imageSize;
    if (x.rank !== 4 || x.shape[1] !== s || x.shape[2] !== s || x.shape[3] !== 1) {
      throw new Error(`DigitClassifier: x must be (N, ${s}, ${s}, 1); got (${x.shape.join(', ')})`);
    }
    const c = (n: string, h: Tensor) => conv2d(h, this.w(`features.${n}.weight`), this.w(`features.${n}.bias`));
    const d = (n: string, h: Tensor) => patchConv2d(h, this.w(`features.${n}.weight`), this.w(`features.${n}.bias`));
    let h = silu(c('conv_in', x)); // (N, 32, 32, c0)
    h = silu(d('down.0', h)); // (N, 16, 16, c1)
    h = silu(c('conv.0', h));
    h = silu(d('down.1', h)); // (N, 8, 8, c2)
    h = silu(c('conv.1', h));
    h = silu(d('down.2', h)); // (N, 4, 4, c2)
    const flat = tf.reshape(tf.transpose(h, [0, 3, 1, 2]), [h.shape[0], -1]); // (N, c2*16), PyTorch (C, H, W) order
    const features = silu(linear(flat, this.w('fc1.weight'), this.w('fc1.bias'))); // (N, F)
    const logits = linear(features, this.w('fc2.weight'), this.w('fc2.bias')); // (N, 10)
    return { features, logits };
  }

  loadStateDict(tensors: Record<string, Tensor>): void {
    const problems = shapeProblems(Object.fromEntries(Object.entries(tensors).map(([name, t]) => [name, t.shape])), this.shapes);
    if (problems.length) throw new Error(`DigitClassifier.loadStateDict: ${problems.join('; ')}`);
    for (const [name, v] of Object.entries(this.params)) v.assign(tensors[name]);
  }

  dispose(): void {
    for (const v of Object.values(this.params)) v.dispose();
  }
}

/**
 * Features and predicted labels for many images, in batches; plain arrays out (no tensors held).
 * images(start, end) returns (end - start) images as (count, 32, 32, 1) floats.
 */
export function classifyImages(
  model: DigitClassifier,
  images: (start: number, end: number) => Float32Array,
  count: number,
  batch = 250,
): { features: Float32Array; predicted: Int32Array } {
  const f = model.config.featureSize;
  const s = model.config.imageSize;
  const features = new Float32Array(count * f);
  const predicted = new Int32Array(count);
  for (let start = 0; start < count; start += batch) {
    const end = Math.min(count, start + batch);
    const [feat, pred] = tf.tidy(() => {
      const out = model.forward(tf.tensor4d(images(start, end), [end - start, s, s, 1]));
      return [out.features.dataSync() as Float32Array, tf.argMax(out.logits, 1).dataSync() as Int32Array];
    });
    features.set(feat, start * f);
    predicted.set(pred, start);
  }
  return { features, predicted };
}
