// A reader that closes stdout early (`randwire ... | head -1`): the CLI stops quietly with exit
// code 0, no EPIPE stack on stderr.
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const HOOK = join(__dirname, 'test-utils/source-require-hook.js');
const MAIN = join(__dirname, 'main.ts');

it('stops quietly when the reader of stdout goes away', async () => {
  // Several MiB of graph JSON: far more than a pipe buffer, so writes continue after the close.
  const child = spawn(
    process.execPath,
    ['-r', HOOK, MAIN, 'graph', '--model', 'er', '--nodes', '1500', '--p', '0.3', '--seed', '0'],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let received = 0;
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  child.stdout.once('data', (d: Buffer) => {
    received += d.length;
    child.stdout.destroy(); // as `head -c` does after its first bytes
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  expect(received).toBeGreaterThan(0);
  expect(stderr).not.toMatch(/EPIPE|Error|at /);
  expect(code).toBe(0);
}, 60_000);
