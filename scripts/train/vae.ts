/**
 * Train the tiny VAE (lib/vae) on the train split, resumably:
 *   npx tsx scripts/train/vae.ts [--steps 900] [--batch 32] [--lr 2e-3] [--seed 0] [--dir checkpoints/vae-v1] [--fresh]
 * Run it in the background (nohup ... > checkpoints/vae.log 2>&1 &); kill it and run it again to
 * resume from the last checkpoint. scripts/train/vae-export.ts evaluates and ships the result.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setNodeBackend } from '../../lib/node-backend';
import { loadMnistSplit } from '../../lib/data/node';
import { TinyVAE } from '../../lib/vae/model';
import { VAE_V1, countParameters } from '../../lib/vae/config';
import { vaeTask } from '../../lib/vae/task';
import { Trainer, warmupCosine } from '../../lib/train/loop';
import { numberOptions, parseArgs, runWithCheckpoints } from '../../lib/train/node';

const args = parseArgs(process.argv.slice(2));
const { steps, batch, lr, seed } = numberOptions(args, { steps: 900, batch: 32, lr: 2e-3, seed: 0 });
const dir = typeof args.dir === 'string' ? args.dir : 'checkpoints/vae-v1';

await setNodeBackend('wasm');
const { trainSet } = loadMnistSplit();
const vae = new TinyVAE(VAE_V1, seed);
const options = { seed, batchSize: batch, totalSteps: steps, lr: warmupCosine(lr, 50, steps, lr * 0.05), ema: { decay: 0.995 }, maxGradNorm: 1 };
const trainer = new Trainer(vaeTask(vae, trainSet), options);
process.stderr.write(`VAE ${countParameters(VAE_V1)} parameters, ${trainSet.count} training digits, batch ${batch}, ${steps} steps, seed ${seed}\n`);
const done = await runWithCheckpoints(trainer, { dir, label: 'vae', fresh: args.fresh === true });
// The recipe, for the export script's manifest.
writeFileSync(
  join(dir, 'recipe.json'),
  JSON.stringify(
    {
      config: VAE_V1,
      seed,
      batchSize: batch,
      totalSteps: steps,
      optimizer: { name: 'AdamW', lr, schedule: 'linear warm-up 50 steps, cosine to 5%', beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, maxGradNorm: 1 },
      ema: { decay: 0.995, warmup: '(1+t)/(10+t)' },
      data: 'train split (lib/data DEFAULT_SPLIT)',
      step: trainer.step,
      wallSeconds: trainer.wallSeconds,
      done,
    },
    null,
    2,
  ),
);
process.stderr.write(`vae: ${done ? 'finished' : 'stopped'} at step ${trainer.step}, ${trainer.wallSeconds.toFixed(0)} s\n`);
trainer.dispose();
vae.dispose();
