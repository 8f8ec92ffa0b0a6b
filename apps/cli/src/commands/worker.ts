// `randwire worker --queue redis://HOST:PORT`: trains the points `randwire sweep --queue`
// enqueues, on any machine that reaches the Redis server (see queue/worker.ts).
import { availableParallelism } from 'node:os';
import { BACKEND_OPTION, backendOption } from '../backend';
import { type Command, numberOption, UserError } from '../cli';
import { parseQueueUrl, QUEUE_URL_FORM } from '../queue/connection';
import { runWorker } from '../queue/worker';

const NAME = 'worker';

export const workerCommand: Command = {
  name: NAME,
  summary: 'Train the points of queued sweeps (randwire sweep --queue) taken from a Redis job queue',
  usage: '--queue redis://HOST:PORT [--concurrency N] [-o WORKDIR]',
  details: `Takes sweep points from the queue, trains each in a process of its own under WORKDIR
(one run directory per point, resumed from its checkpoint when a job comes back), and sends the
result and the run directory's final files (not the checkpoints) back through the queue: workers
need no filesystem shared with the sweep. A job is checked before anything runs (same randwire
version and spec schema, a valid spec and recipe, data it may read, memory); a refused job fails
with the reason and the worker goes on. One line per job on stdout. If a worker dies mid-job,
another takes the job over after --stall-seconds. SIGINT or SIGTERM: running points save a
checkpoint and go back to the queue.
--queue: ${QUEUE_URL_FORM}; a private CA for rediss:// comes from NODE_EXTRA_CA_CERTS.

Examples:
  randwire worker --queue redis://127.0.0.1:6390
  randwire worker --queue redis://:PASSWORD@sweeps.example:6379/2 --concurrency 2 -o /scratch/randwire
  randwire worker --queue rediss://sweeps.example:6380 --allow-data /data/cifar-10-batches-bin`,
  options: {
    queue: { type: 'string', arg: 'URL', description: 'Redis server of the queue' },
    concurrency: { type: 'string', arg: 'N', description: 'points trained at once', default: '1' },
    output: {
      type: 'string',
      short: 'o',
      arg: 'DIR',
      description: 'work directory (run directories, checkpoints)',
      default: 'randwire-worker',
    },
    threads: {
      type: 'string',
      arg: 'N',
      description: 'onnxruntime threads per point (default: cores / concurrency)',
    },
    backend: BACKEND_OPTION,
    'allow-data': {
      type: 'string',
      multiple: true,
      arg: 'DIR',
      description: 'let jobs read data sets under DIR (--data NAME=DIR); repeatable',
    },
    'stall-seconds': {
      type: 'string',
      arg: 'S',
      description: "job lock: a dead worker's job is taken over after about 2 × S",
      default: '30',
    },
    json: { type: 'boolean', description: 'one JSON object per job on stdout' },
  },
  positionals: [0, 0],
  async run(values, _positionals, ctx) {
    if (values['queue'] === undefined)
      throw new UserError(`randwire ${NAME}: missing --queue URL (${QUEUE_URL_FORM})`);
    const target = parseQueueUrl(NAME, values['queue']);
    const concurrency = numberOption(NAME, 'concurrency', values['concurrency'], {
      integer: true,
      min: 1,
      max: 64,
    })!;
    const threads =
      numberOption(NAME, 'threads', values['threads'], { integer: true, min: 1, max: 1024 }) ??
      Math.max(1, Math.floor(availableParallelism() / concurrency));
    const stallSeconds = numberOption(NAME, 'stall-seconds', values['stall-seconds'], {
      integer: true,
      min: 1,
      max: 3600,
    })!;
    return runWorker({
      target,
      concurrency,
      workDir: values['output'] as string,
      threads,
      backend: backendOption(NAME, values['backend']),
      allowData: (values['allow-data'] as string[] | undefined) ?? [],
      stallSeconds,
      json: values['json'] === true,
      ctx,
    });
  },
};
