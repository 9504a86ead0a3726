/**
 * Train the evaluation classifier (lib/metrics/classifier) on the train split, resumably:
 *   npx tsx scripts/train/classifier.ts [--steps 3000] [--batch 64] [--lr 2e-3] [--seed 0] [--dir checkpoints/classifier-v1] [--fresh]
 * Run in the background; rerun to resume. scripts/train/classifier-export.ts evaluates and ships it.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setNodeBackend } from '../../lib/node-backend';
import { loadMnistSplit } from '../../lib/data/node';
import { DigitClassifier, CLASSIFIER_V1, countClassifierParameters } from '../../lib/metrics/classifier';
import { classifierTask } from '../../lib/metrics/task';
import { Trainer, warmupCosine } from '../../lib/train/loop';
import { numberOptions, parseArgs, runWithCheckpoints } from '../../lib/train/node';

const args = parseArgs(process.argv.slice(2));
const { steps, batch, lr, seed } = numberOptions(args, { steps: 3000, batch: 64, lr: 2e-3, seed: 0 });
const weightDecay = 1e-4;
const dir = typeof args.dir === 'string' ? args.dir : 'checkpoints/classifier-v1';
const maxShift = 2;

await setNodeBackend('wasm');
const { trainSet } = loadMnistSplit();
const model = new DigitClassifier(CLASSIFIER_V1, seed);
const trainer = new Trainer(classifierTask(model, trainSet, maxShift), {
  seed,
  batchSize: batch,
  totalSteps: steps,
  lr: warmupCosine(lr, 50, steps, lr * 0.02),
  adam: { weightDecay, decay: (name) => name.endsWith('.weight') },
  ema: { decay: 0.995 },
  maxGradNorm: 5,
});
const recipe = (done: boolean) => ({
  config: CLASSIFIER_V1,
  seed,
  batchSize: batch,
  totalSteps: steps,
  augmentation: `random shifts of up to ${maxShift} px`,
  optimizer: {
    name: 'AdamW',
    lr,
    schedule: 'linear warm-up 50 steps, cosine to 2%',
    beta1: 0.9,
    beta2: 0.999,
    eps: 1e-8,
    weightDecay,
    weightDecayOn: 'weights (not biases)',
    maxGradNorm: 5,
  },
  ema: { decay: 0.995, warmup: '(1+t)/(10+t)' },
  data: 'train split (lib/data DEFAULT_SPLIT)',
  step: trainer.step,
  wallSeconds: trainer.wallSeconds,
  done,
});
process.stderr.write(
  `classifier ${countClassifierParameters(CLASSIFIER_V1)} parameters, ${trainSet.count} training digits, batch ${batch}, ${steps} steps, seed ${seed}\n`,
);
const done = await runWithCheckpoints(trainer, { dir, label: 'classifier', fresh: args.fresh === true });
writeFileSync(join(dir, 'recipe.json'), JSON.stringify(recipe(done), null, 2));
process.stderr.write(`classifier: ${done ? 'finished' : 'stopped'} at step ${trainer.step}, ${trainer.wallSeconds.toFixed(0)} s\n`);
trainer.dispose();
model.dispose();
