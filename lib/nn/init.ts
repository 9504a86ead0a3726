/**
 * PyTorch's default initialisation for the convolutional models (the VAE and the classifier):
 * weights U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (kaiming_uniform with a = sqrt(5)), biases zero. The
 * DiT has its own rules (lib/dit/model.ts).
 */
import { tf } from '../tf';

/**
 * One seeded variable per named shape. Parameter k draws from seed * 100003 + salt * k, so two
 * models built with the same seed (a VAE and a classifier) do not start alike. fanIn gives a
 * weight's fan-in (PyTorch's rule depends on the layer); scale multiplies a weight's draw.
 */
export function torchDefaultVariables(
  shapes: Record<string, number[]>,
  {
    seed,
    salt,
    prefix,
    fanIn,
    scale = () => 1,
  }: { seed: number; salt: number; prefix: string; fanIn: (shape: number[]) => number; scale?: (name: string) => number },
): Record<string, tf.Variable> {
  const params: Record<string, tf.Variable> = {};
  let k = 0;
  for (const [name, shape] of Object.entries(shapes)) {
    const s = (seed * 100_003 + salt * k++) >>> 0;
    const init = tf.tidy(() => {
      if (name.endsWith('.bias')) return tf.zeros(shape);
      const bound = 1 / Math.sqrt(fanIn(shape));
      const w = tf.randomUniform(shape, -bound, bound, 'float32', s);
      return scale(name) === 1 ? w : tf.mul(w, scale(name));
    });
    params[name] = tf.variable(init, true, `${prefix}.${name}.${init.id}`);
    init.dispose();
  }
  return params;
}
