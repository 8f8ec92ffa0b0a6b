// Learning-rate schedule of the paper's recipe (randwire.md section 7): half-period cosine
// decay applied per step, with an optional linear warm-up before it.
import { TrainOptionsError } from './errors';

export interface ScheduleOptions {
  /** Peak (initial) learning rate. */
  lr: number;
  /** Total number of optimizer steps of the run (warm-up included). */
  totalSteps: number;
  /** Steps of linear warm-up from lr / warmupSteps to lr (0 = none). */
  warmupSteps: number;
}

export const SCHEDULE_DEFAULTS: Readonly<Omit<ScheduleOptions, 'totalSteps'>> = Object.freeze({
  lr: 0.1,
  warmupSteps: 0,
});

/** The learning rate of the 0-based step `step`: during warm-up lr·(step+1)/warmupSteps, then
 * lr·½(1 + cos(π·t/T)) with t = step - warmupSteps and T = totalSteps - warmupSteps, so the
 * first step after warm-up uses lr and the rate approaches 0 at the end of the run. */
export function learningRateAt(step: number, options: ScheduleOptions): number {
  const { lr, totalSteps, warmupSteps } = options;
  if (!Number.isInteger(totalSteps) || totalSteps < 1) {
    throw new TrainOptionsError(
      `@randwire/tfjs/schedule: invalid totalSteps (${totalSteps}): must be an integer >= 1`,
    );
  }
  if (!Number.isInteger(warmupSteps) || warmupSteps < 0 || warmupSteps > totalSteps) {
    throw new TrainOptionsError(
      `@randwire/tfjs/schedule: invalid warmupSteps (${warmupSteps}): must be an integer in [0, totalSteps = ${totalSteps}]`,
    );
  }
  if (!Number.isInteger(step) || step < 0) {
    throw new TrainOptionsError(`@randwire/tfjs/schedule: invalid step (${step}): must be an integer >= 0`);
  }
  if (step < warmupSteps) return (lr * (step + 1)) / warmupSteps;
  const span = totalSteps - warmupSteps;
  if (span <= 0) return lr;
  const t = Math.min(step - warmupSteps, span);
  return lr * 0.5 * (1 + Math.cos((Math.PI * t) / span));
}
