// What goes through the queue (issue 13). A job is one sweep point: its id is the point's
// stable hash (so enqueuing a point twice adds nothing) and its data an envelope naming the
// randwire version and spec schema that made it, around the point payload. A worker accepts a
// job only from its own randwire version and spec schema, and only after checking it as a
// spec + recipe it is willing to run: the point (validatePoint: envelope, spec schema and
// limits, id = hash of spec and recipe), the training options (exactly what
// resolveTrainOptions gives for them), the data (named sets; a directory only under the
// worker's --allow-data roots), the training memory estimate against the machine's memory.
// Nothing in a job is a path the worker writes to (the run directory is WORKDIR/<spec
// name>-<id>, its name sanitised) or code it runs.
// A finished job returns the point's result and its run directory's final files (spec, config,
// metrics, trained weights, log; not the checkpoints), base64 in the job's return value: the
// coordinator writes them under its own sweep directory, so no filesystem is shared.
import { existsSync, mkdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import type { PointResult, SweepPoint } from '@randwire/studies';
import type { TrainOptions } from '@randwire/tfjs';
import { UserError } from '../cli';
import { loadSpec, loadStudies, loadTfjs } from '../lazy-packages';
import { CLI_LIMITS, checkTrainingMemory } from '../limits';
import { POINT_LOG } from '../studies/point-process';
import { POINT_FILES } from '../studies/run-point';

export const JOB_FORMAT = 'randwire-queue-job';
export const JOB_VERSION = 1;
export const JOB_RESULT_FORMAT = 'randwire-queue-result';

/** The randwire version of this program (the CLI's package version). */
export const RANDWIRE_VERSION: string = (require('../../package.json') as { version: string }).version;

/** The data of a job. */
export interface PointJob {
  format: typeof JOB_FORMAT;
  version: typeof JOB_VERSION;
  /** The randwire version that enqueued the job. */
  randwire: string;
  /** The spec schema of the point's spec. */
  spec: { format: string; version: number };
  point: SweepPoint;
}

/** The return value of a finished job. */
export interface PointJobResult {
  format: typeof JOB_RESULT_FORMAT;
  version: 1;
  /** The worker: host and pid. */
  host: string;
  pid: number;
  result: PointResult;
  /** Run directory files (relative path → base64), each one of RETURNED_FILES. */
  files: Record<string, string>;
  /** Files left out (too large for the queue). */
  omitted: string[];
}

/** The files of a finished run directory a job sends back (relative paths; checkpoints stay
 * on the worker). */
export const RETURNED_FILES: readonly string[] = Object.freeze([
  'spec.json',
  'train-config.json',
  'metrics.jsonl',
  'model/model.json',
  'model/weights.bin',
  POINT_LOG,
]);

/** At most this many bytes of files go back with a result (Redis keeps them with the job). */
export const RETURNED_BYTES = 64 * 2 ** 20;

/** A job refused before anything ran: bad payload, other version, not allowed here. */
export class JobRejected extends UserError {}

export function makeJob(point: SweepPoint): PointJob {
  const { SPEC_FORMAT, SPEC_VERSION } = loadSpec();
  return {
    format: JOB_FORMAT,
    version: JOB_VERSION,
    randwire: RANDWIRE_VERSION,
    spec: { format: SPEC_FORMAT, version: SPEC_VERSION },
    point,
  };
}

/** What a worker lets a job do. */
export interface JobPolicy {
  /** Real paths of the directories `--data NAME=DIR` may name. */
  allowData: readonly string[];
  /** Memory the worker may use for one job. */
  availableBytes: () => number;
}

const isObj = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

const inside = (root: string, path: string) => path === root || path.startsWith(`${root}${sep}`);

/** Checks a job's data (see the file comment); returns its point or throws JobRejected. */
export function checkJob(jobId: string | undefined, data: unknown, policy: JobPolicy): SweepPoint {
  const where = `job ${JSON.stringify(jobId ?? null)}`;
  const reject = (what: string): never => {
    throw new JobRejected(`${where}: ${what}`);
  };
  const size = JSON.stringify(data ?? null).length;
  if (size > CLI_LIMITS.specBytes)
    reject(`${size} bytes of data, above the ${CLI_LIMITS.specBytes} a point may have`);
  if (!isObj(data)) return reject('the data must be a randwire point job (a JSON object)');
  if (data['format'] !== JOB_FORMAT)
    reject(`/format: must be "${JOB_FORMAT}" (got ${JSON.stringify(data['format'])}): not a randwire job`);
  if (data['version'] !== JOB_VERSION)
    reject(`/version: job version ${JSON.stringify(data['version'])}, this worker reads ${JOB_VERSION}`);
  if (data['randwire'] !== RANDWIRE_VERSION)
    reject(
      `made by randwire ${JSON.stringify(data['randwire'])}, this worker is randwire ${RANDWIRE_VERSION}: run the same randwire version on the sweep and its workers`,
    );
  const { SPEC_FORMAT, SPEC_VERSION } = loadSpec();
  const spec = data['spec'] as Record<string, unknown> | undefined;
  if (!isObj(spec) || spec['format'] !== SPEC_FORMAT || spec['version'] !== SPEC_VERSION)
    reject(
      `spec schema ${JSON.stringify(spec ?? null)}, this worker reads ${SPEC_FORMAT} version ${SPEC_VERSION}: run the same randwire version on the sweep and its workers`,
    );
  const studies = loadStudies();
  let point: SweepPoint;
  try {
    point = studies.validatePoint(data['point'], where);
  } catch (e) {
    // 'job "…": /id: …' → '/point/id: …'
    if (e instanceof studies.StudiesError) reject(e.message.replace(`${where}: /`, '/point/'));
    throw e;
  }
  if (point.id !== jobId) reject(`the job id is not its point's id ${point.id}`);
  const tfjs = loadTfjs();
  let train: TrainOptions;
  try {
    train = tfjs.resolveTrainOptions(point.recipe.train as Partial<TrainOptions>);
  } catch (e) {
    if (e instanceof tfjs.TfjsError) return reject(`/point/recipe/train: ${e.message}`);
    throw e;
  }
  const { stableStringify } = loadSpec();
  if (stableStringify(train) !== stableStringify(point.recipe.train))
    reject('/point/recipe/train: not a complete set of resolved training options');
  checkData(point, policy, reject);
  try {
    checkTrainingMemory(
      'worker',
      `spec '${point.spec.name}'`,
      point.spec,
      train.batchSize,
      train.evalBatchSize,
      false,
      () => {},
    );
  } catch (e) {
    if (e instanceof UserError) reject(e.message.replace(/^randwire worker: /, ''));
    throw e;
  }
  return point;
}

/** The data a job may read: the embedded and synthetic sets, Debian's Fashion-MNIST, and
 * `NAME=DIR` only with DIR under an --allow-data root. */
function checkData(point: SweepPoint, policy: JobPolicy, reject: (what: string) => never): void {
  const { data, limit, testLimit } = point.recipe.data;
  const at = '/point/recipe/data/data';
  if (data === 'embedded' || data === 'fashion-mnist') return;
  if (data === 'synthetic') {
    const { height, width, channels } = point.spec.input;
    const bytes = ((limit ?? 2000) + (testLimit ?? 500)) * height * width * channels * 4;
    if (bytes > policy.availableBytes() / 4)
      reject(`${at}: ${limit} + ${testLimit} synthetic images take ${bytes} bytes, too many for this worker`);
    return;
  }
  const m = /^(fashion-mnist|mnist|cifar10)=(.+)$/s.exec(data);
  if (!m) reject(`${at}: '${data}' is not a data set a worker reads`);
  let real = '';
  try {
    real = realpathSync(resolve(m![2]!));
  } catch {
    reject(`${at}: '${data}': no such directory on this worker`);
  }
  if (!policy.allowData.some((root) => inside(root, real)))
    reject(
      `${at}: '${data}' reads a directory this worker does not allow: start it with --allow-data DIR to let jobs read data under DIR`,
    );
}

/** The run directory of a point under a worker's work directory (one path component). */
export function jobRunDir(workDir: string, point: SweepPoint): string {
  const name = loadStudies().pointDirName(point);
  const dir = resolve(workDir, name);
  if (name === '.' || name === '..' || dirname(dir) !== resolve(workDir))
    throw new JobRejected(`point ${point.id}: its run directory would leave the work directory`);
  return dir;
}

/** The result a worker sends back for a point finished in `dir`. */
export function jobResult(dir: string, result: PointResult, host: string): PointJobResult {
  const files: Record<string, string> = {};
  const omitted: string[] = [];
  let total = 0;
  for (const name of RETURNED_FILES) {
    const path = join(dir, name);
    if (!existsSync(path)) continue;
    const size = statSync(path).size;
    if (total + size > RETURNED_BYTES) {
      omitted.push(name);
      continue;
    }
    total += size;
    files[name] = readFileSync(path).toString('base64');
  }
  return { format: JOB_RESULT_FORMAT, version: 1, host, pid: process.pid, result, files, omitted };
}

/** Checks a job's return value for point `point` (a worker is not trusted with paths). */
export function checkJobResult(value: unknown, point: SweepPoint): PointJobResult {
  const bad = (why: string): never => {
    throw new UserError(`the result of job ${point.id} ${why}`);
  };
  if (!isObj(value) || value['format'] !== JOB_RESULT_FORMAT) return bad('is not a randwire result');
  const r = value as unknown as PointJobResult;
  const { RESULT_FORMAT } = loadStudies();
  if (!isObj(r.result) || r.result.format !== RESULT_FORMAT || r.result.id !== point.id)
    bad(`holds no result of point ${point.id}`);
  if (!isObj(r.files)) bad('has no files');
  for (const [name, content] of Object.entries(r.files)) {
    if (!RETURNED_FILES.includes(name)) bad(`names a file '${name}' that is not a run directory file`);
    if (typeof content !== 'string') bad(`has file '${name}' that is not base64 text`);
  }
  return r;
}

/** Writes a result's files into the coordinator's run directory of the point, then its
 * point.json and result.json (the last: a point counts as finished once it is there). */
export function writeJobResult(dir: string, point: SweepPoint, r: PointJobResult): PointResult {
  const tfjs = loadTfjs();
  for (const [name, content] of Object.entries(r.files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    tfjs.writeFileAtomic(join(dir, name), Buffer.from(content, 'base64'));
  }
  const result: PointResult = { ...r.result, dir: loadStudies().pointDirName(point) };
  tfjs.writeJsonFile(join(dir, POINT_FILES.point), point);
  tfjs.writeJsonFile(join(dir, POINT_FILES.result), result);
  return result;
}
