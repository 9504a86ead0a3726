/**
 * The one place lib/ imports TensorFlow.js from: the core ops, no backend and no gradients.
 * Backends (and the gradient registry, needed only for training) are set up by the caller:
 * lib/node-backend.ts in Node, lib/backend/init.ts in the browser workers.
 */
import * as tf from '@tensorflow/tfjs-core';

export { tf };
export type Tensor = tf.Tensor;
