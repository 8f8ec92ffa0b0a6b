// Explicit, idempotent registration of the custom layers (and initializer) for tfjs serialization (model.json
// names them by class name). buildModel and loadModel call it; call it yourself before
// tf.loadLayersModel on a model saved by this package.
import * as tf from '@tensorflow/tfjs';
import { SeededNormal, SeededUniform } from '../init';
import { SeededDropout } from './seeded-dropout';
import { WeightedSum } from './weighted-sum';

let registered = false;

export function registerRandwireLayers(): void {
  if (registered) return;
  tf.serialization.registerClass(WeightedSum);
  tf.serialization.registerClass(SeededDropout);
  tf.serialization.registerClass(SeededNormal);
  tf.serialization.registerClass(SeededUniform);
  registered = true;
}
