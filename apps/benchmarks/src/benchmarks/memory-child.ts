// Child process of the memory benchmark: `node memory-child.js '<TrainingMemoryOptions JSON>'`
// prints one TrainingMemoryResult JSON line (a fresh process, so its peak RSS is the run's).
// Either engine (tfjs or onnxruntime); measureTrainingMemoryInChild starts it with --expose-gc
// so the onnxruntime engine reads RSS after a forced collection (its RSS leak check).
import { measureTrainingMemory, type TrainingMemoryOptions } from './memory';

async function childMain(): Promise<void> {
  const options = JSON.parse(process.argv[2] ?? '{}') as TrainingMemoryOptions;
  const result = await measureTrainingMemory(options);
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (require.main === module) {
  childMain().catch((e: unknown) => {
    process.stderr.write(`memory-child: ${(e as Error).stack ?? String(e)}\n`);
    process.exit(1);
  });
}
