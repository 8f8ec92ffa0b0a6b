// Explicit, idempotent registration of the custom layers (and initializer) for tfjs serialization (model.json
// names them by class name), and of the corrected AvgPool gradient (kernels/avg-pool-gradient.ts)
// the avg-pool node transform needs to train right. buildModel and loadModel call it; call it
// yourself before tf.loadLayersModel on a model saved by this package.
import * as tf from '@tensorflow/tfjs';
import { SeededNormal, SeededUniform } from '../init';
import { registerAvgPoolGradient } from '../kernels/avg-pool-gradient';
import { SeededDropout } from './seeded-dropout';
import { WeightedSum } from './weighted-sum';

let registered = false;

export function registerRandwireLayers(): void {
  if (registered) return;
  tf.serialization.registerClass(WeightedSum);
  tf.serialization.registerClass(SeededDropout);
  tf.serialization.registerClass(SeededNormal);
  tf.serialization.registerClass(SeededUniform);
  registerAvgPoolGradient();
  registered = true;
}
