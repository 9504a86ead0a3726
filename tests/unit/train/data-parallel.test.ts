/**
 * Data-parallel DiT training (lib/train/data-parallel.ts): a batch split over the main thread and a
 * worker gives the single-thread run's weights up to float summation order, and its checkpoints
 * resume in a single-thread trainer (same format, same data order and draws).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { setNodeBackend } from '@/lib/node-backend';
import { getDiTRecipe } from '@/lib/train/dit-recipes';
import { makeTrainer, makeTrainerThreads } from '@/lib/train/dit-run';
import { microConfig, microLatents } from '../dit/fixed-weights';

const config = microConfig();
const recipe = { ...getDiTRecipe('default'), config, batchSize: 9, steps: 6, warmupSteps: 2, lr: 3e-3 };
const data = microLatents(30, 0.37);

beforeAll(async () => {
  await setNodeBackend('wasm');
});

describe('data-parallel DiT trainer', () => {
  it('two threads match one thread (odd batch, uneven halves) and checkpoints cross over', async () => {
    const one = makeTrainer(recipe, data);
    const two = await makeTrainerThreads(recipe, data, recipe.steps, 2);
    try {
      for (let i = 0; i < 3; i++) {
        const a = one.trainer.trainStep();
        const b = two.trainer.trainStep();
        expect(b.loss).toBeCloseTo(a.loss, 4);
        expect(b.mse).toBeCloseTo(a.mse, 4);
        expect(b.vb).toBeCloseTo(a.vb, 4);
      }
      const close = (x: Record<string, { dataSync(): ArrayLike<number> }>, y: Record<string, { dataSync(): ArrayLike<number> }>) => {
        let worst = 0;
        for (const k of Object.keys(x)) {
          const p = x[k].dataSync();
          const q = y[k].dataSync();
          for (let j = 0; j < p.length; j++) worst = Math.max(worst, Math.abs(p[j] - q[j]));
        }
        return worst;
      };
      expect(close(one.trainer.task.params, two.trainer.task.params)).toBeLessThan(1e-4);
      // A data-parallel checkpoint continues single-threaded on the same path.
      const resumed = makeTrainer(recipe, data);
      resumed.trainer.restore(two.trainer.checkpoint());
      const a = one.trainer.trainStep();
      const c = resumed.trainer.trainStep();
      expect(c.loss).toBeCloseTo(a.loss, 4);
      expect(close(one.trainer.task.params, resumed.trainer.task.params)).toBeLessThan(1e-4);
      resumed.trainer.dispose();
      resumed.model.dispose();
    } finally {
      one.trainer.dispose();
      one.model.dispose();
      two.trainer.dispose();
      two.model.dispose();
    }
  });
});
