/**
 * The worker half of sampleImagesByName (lib/sample/node.ts): loads the model and VAE by name and
 * draws the odd chunks of the same sampling job, or all of them (sampleTwoByName), through the chunk
 * cache in job.cacheDir when given (sample-cache.ts); it reports the cache files it used with the images.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { setNodeBackend } from '../node-backend';
import { loadForSampling, sampleImages, type SampleSpec } from './node';
import { SampleCache } from './cache';

const job = (
  workerData as { job: { name: string; vaeDir?: string; which: 'odd' | 'all'; cacheDir?: string; spec: Omit<SampleSpec, 'labels'> & { labels: number[] } } }
).job;
try {
  await setNodeBackend('wasm');
  const { model, vae, betas } = await loadForSampling(job.name, job.vaeDir);
  try {
    const cache = job.cacheDir === undefined ? undefined : new SampleCache(job.cacheDir);
    const images = await sampleImages(
      model,
      vae,
      { ...job.spec, labels: Int32Array.from(job.spec.labels) },
      { chunkFilter: (k) => job.which === 'all' || k % 2 === 1, cache, betas },
    );
    parentPort?.postMessage({ kind: 'done', images, cache: cache ? { used: cache.usedFiles(), stats: cache.stats } : undefined }, [
      images.buffer as ArrayBuffer,
    ]);
  } finally {
    model.dispose();
    vae.vae.dispose();
  }
} catch (e) {
  parentPort?.postMessage({ kind: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
}
