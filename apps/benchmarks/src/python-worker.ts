// A long-lived Python process answering one JSON request per stdin line with one JSON line on
// stdout (see reference/networkx_graphs.py). Debian's /usr/bin/python3 is used by default: it
// has the Debian packages (python3-networkx, python3-torch); a pyenv python3 may come first
// on PATH.
import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const DEBIAN_PYTHON = '/usr/bin/python3';

/** The folder of the Python reference scripts (same path from src/ and dist/). */
export const REFERENCE_DIR = join(__dirname, '..', 'reference');

export class PythonWorker {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer = '';
  private stderr = '';
  private waiting: Array<{ resolve: (line: string) => void; reject: (e: Error) => void }> = [];
  private exited: Error | null = null;

  private constructor(script: string, python: string) {
    this.child = spawn(python, ['-u', script], {
      stdio: ['pipe', 'pipe', 'pipe'],
      env: { ...process.env, OPENBLAS_NUM_THREADS: '1', PYTHONDONTWRITEBYTECODE: '1' },
    });
    this.child.stdout.setEncoding('utf8');
    this.child.stdout.on('data', (chunk: string) => {
      this.buffer += chunk;
      let nl = this.buffer.indexOf('\n');
      while (nl >= 0) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        this.waiting.shift()?.resolve(line);
        nl = this.buffer.indexOf('\n');
      }
    });
    this.child.stderr.setEncoding('utf8');
    this.child.stderr.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-2000);
    });
    const fail = (e: Error) => {
      this.exited = e;
      for (const w of this.waiting.splice(0)) w.reject(e);
    };
    this.child.on('error', (e) => fail(e));
    this.child.on('exit', (code, signal) =>
      fail(
        new Error(
          `python exited (${signal ?? code})${this.stderr ? `: ${this.stderr.trim().split('\n').pop()}` : ''}`,
        ),
      ),
    );
  }

  /** Starts `script` and checks it answers `{"op":"info"}`; resolves to the worker and that answer,
   * or rejects with a reason (no python, import error ...). */
  static async start(
    script: string,
    python: string = DEBIAN_PYTHON,
  ): Promise<{ worker: PythonWorker; info: Record<string, unknown> }> {
    if (!existsSync(python)) throw new Error(`${python} not found`);
    const worker = new PythonWorker(script, python);
    try {
      const info = await worker.request({ op: 'info' });
      return { worker, info };
    } catch (e) {
      worker.stop();
      throw e;
    }
  }

  /** Sends one request and waits for its answer; an `error` field in the answer rejects. */
  request(message: Record<string, unknown>): Promise<Record<string, unknown>> {
    if (this.exited) return Promise.reject(this.exited);
    return new Promise<string>((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      this.child.stdin.write(`${JSON.stringify(message)}\n`);
    }).then((line) => {
      const answer = JSON.parse(line) as Record<string, unknown>;
      if (typeof answer['error'] === 'string') throw new Error(`python: ${answer['error']}`);
      return answer;
    });
  }

  /** Ends the process (closing stdin lets it exit; kill as a fallback). */
  stop(): void {
    if (this.exited) return;
    this.child.stdin.end();
    const timer = setTimeout(() => this.child.kill(), 2000);
    timer.unref();
    this.child.once('exit', () => clearTimeout(timer));
  }
}
