#!/usr/bin/env node
// Each package used alone, as its README promises (issue 14). After `pnpm build`:
//  1. packs every publishable package with `pnpm pack`;
//  2. checks each tarball: LICENSE (the repository's), package.json metadata (repository,
//     engines, keywords, sideEffects, publishConfig.access, no workspace: ranges), every source
//     map resolving to a file inside the tarball, no dist file without its source;
//  3. installs the tarballs into a scratch project outside the workspace (pnpm, whose strict
//     layout exposes undeclared dependencies; pnpm.overrides keeps @randwire/* on the tarballs);
//  4. runs every ```ts block of every package README as written, each block a program of its
//     own: compiled with `tsc --strict --target es2022 --module commonjs` and run, then the
//     same text as an ES module (`.mts`, `tsc --strict --module nodenext`) and run; no other
//     compiler option (no skipLibCheck, types or lib).
// Errors tsc reports inside @tensorflow/tfjs's own declarations (4.22 does not compile under
// --strict without skipLibCheck) are counted and allowed; any other error fails the check.
// Usage: node .ci/pack-check.mjs [--keep] [--only dag,spec]
//   --keep leaves the scratch folder for inspection; --only runs those packages' examples only.
import { execFileSync, spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const KEEP = process.argv.includes('--keep');
const onlyAt = process.argv.indexOf('--only');
const ONLY = onlyAt > 0 ? process.argv[onlyAt + 1].split(',') : null;
/** Upstream declarations that fail `tsc --strict` on their own (reported, not fatal). */
const UPSTREAM_TYPE_ERRORS =
  /node_modules\/(\.pnpm\/[^/]+\/node_modules\/)?@tensorflow\/tfjs-(core|layers)\//;
const EXAMPLE_TIMEOUT_MS = 10 * 60 * 1000;

const work = mkdtempSync(join(tmpdir(), 'randwire-pack-check-'));
const failures = [];
const fail = (what) => {
  failures.push(what);
  console.log(`  FAIL ${what}`);
};
const run = (cmd, args, opts = {}) =>
  spawnSync(cmd, args, {
    encoding: 'utf8',
    maxBuffer: 64 * 2 ** 20,
    ...opts,
    env: { ...process.env, ...opts.env },
  });

function walk(dir) {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? walk(p) : [p];
  });
}

// 1. Pack.
const packages = readdirSync(join(ROOT, 'packages'))
  .map((dir) => ({
    dir,
    json: JSON.parse(readFileSync(join(ROOT, 'packages', dir, 'package.json'), 'utf8')),
  }))
  .filter((p) => !p.json.private);
const tarballs = join(work, 'tarballs');
mkdirSync(tarballs);
console.log(`pack-check: ${packages.length} packages into ${work}`);
for (const p of packages) {
  execFileSync('pnpm', ['pack', '--pack-destination', tarballs], {
    cwd: join(ROOT, 'packages', p.dir),
    stdio: 'ignore',
  });
  p.tarball = join(tarballs, `${p.json.name.replace(/^@/, '').replace('/', '-')}-${p.json.version}.tgz`);
  if (!existsSync(p.tarball)) throw new Error(`pnpm pack wrote no ${p.tarball}`);
}

// 2. Check each tarball.
const license = readFileSync(join(ROOT, 'LICENSE'), 'utf8');
for (const p of packages) {
  console.log(
    `${p.json.name}: ${relative(work, p.tarball)} (${(statSync(p.tarball).size / 1024).toFixed(0)} kB)`,
  );
  const out = join(work, 'unpacked', p.dir);
  mkdirSync(out, { recursive: true });
  execFileSync('tar', ['-xzf', p.tarball, '-C', out]);
  const pkg = join(out, 'package');
  const json = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
  if (!existsSync(join(pkg, 'LICENSE')) || readFileSync(join(pkg, 'LICENSE'), 'utf8') !== license)
    fail(`${p.json.name}: the tarball's LICENSE is missing or differs from the repository's`);
  if (!existsSync(join(pkg, 'README.md'))) fail(`${p.json.name}: no README.md in the tarball`);
  const meta = {
    license: json.license === 'MIT',
    'repository.url': typeof json.repository?.url === 'string',
    'repository.directory': json.repository?.directory === `packages/${p.dir}`,
    'engines.node': json.engines?.node === '>=20',
    keywords: Array.isArray(json.keywords) && json.keywords.length > 0,
    sideEffects: json.sideEffects !== undefined,
    'publishConfig.access': json.publishConfig?.access === 'public',
  };
  for (const [field, ok] of Object.entries(meta))
    if (!ok) fail(`${p.json.name}: package.json ${field} missing or wrong`);
  for (const kind of ['dependencies', 'peerDependencies', 'optionalDependencies']) {
    for (const [dep, range] of Object.entries(json[kind] ?? {})) {
      if (String(range).startsWith('workspace:')) fail(`${p.json.name}: ${kind}.${dep} is still '${range}'`);
    }
  }
  const files = walk(pkg);
  for (const map of files.filter((f) => f.endsWith('.map'))) {
    const { sources = [], sourceRoot = '' } = JSON.parse(readFileSync(map, 'utf8'));
    for (const s of sources) {
      const target = resolve(dirname(map), sourceRoot, s);
      if (!target.startsWith(`${pkg}/`) || !existsSync(target))
        fail(`${p.json.name}: ${relative(pkg, map)} points at ${s}, not in the tarball`);
    }
  }
  for (const js of files.filter((f) => /\/dist\/.*\.js$/.test(f))) {
    const source = js.replace(`${pkg}/dist/`, `${pkg}/src/`).replace(/\.js$/, '.ts');
    if (!existsSync(source))
      fail(
        `${p.json.name}: ${relative(pkg, js)} has no source ${relative(pkg, source)} (stale build output? rebuild from clean)`,
      );
  }
}

// 3. A scratch project with the tarballs.
const scratch = join(work, 'scratch');
mkdirSync(scratch);
const rootJson = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const own = Object.fromEntries(packages.map((p) => [p.json.name, `file:${p.tarball}`]));
const peers = {};
for (const p of packages) {
  for (const dep of Object.keys(p.json.peerDependencies ?? {})) {
    if (!own[dep]) peers[dep] = p.json.devDependencies?.[dep] ?? p.json.peerDependencies[dep];
  }
}
writeFileSync(
  join(scratch, 'package.json'),
  JSON.stringify(
    {
      name: 'randwire-pack-check',
      private: true,
      dependencies: { ...own, ...peers },
      devDependencies: {
        typescript: rootJson.devDependencies.typescript,
        '@types/node': rootJson.devDependencies['@types/node'],
      },
      pnpm: { overrides: own },
    },
    null,
    2,
  ),
);
console.log(
  `installing into a scratch project: ${Object.keys(own).join(', ')} + peers ${Object.keys(peers).join(', ')}`,
);
const install = run('pnpm', ['install', '--ignore-scripts', '--no-frozen-lockfile'], { cwd: scratch });
if (install.status !== 0) {
  console.log(install.stdout, install.stderr);
  throw new Error('pnpm install of the tarballs failed');
}
const tsc = join(scratch, 'node_modules', '.bin', 'tsc');

// 4. Every README example, as written. A package's examples compile in one tsc run (each is a
// module of its own); a package whose README does not say `pnpm add -D @types/node` compiles
// without Node's types (an empty typeRoots), so needing them unstated fails.
const examples = [];
for (const p of packages.filter((q) => ONLY === null || ONLY.includes(q.dir))) {
  const readme = readFileSync(join(ROOT, 'packages', p.dir, 'README.md'), 'utf8');
  const blocks = [...readme.matchAll(/^```ts\n([\s\S]*?)^```$/gm)].map((m) => m[1]);
  if (blocks.length === 0) fail(`${p.json.name}: its README has no \`\`\`ts example`);
  blocks.forEach((code, i) => {
    const dir = join(scratch, 'examples', `${p.dir}-${i + 1}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'example.ts'), code);
    writeFileSync(join(dir, 'example.mts'), code);
    examples.push({ p, i, dir, nodeTypes: /add -D @types\/node/.test(readme) });
  });
}
const noTypes = join(scratch, 'no-type-roots');
mkdirSync(noTypes);
const VARIANTS = [
  ['CommonJS', 'example.ts', 'example.js', ['--target', 'es2022', '--module', 'commonjs']],
  ['ESM', 'example.mts', 'example.mjs', ['--module', 'nodenext']],
];
for (const [variant, source, output, flags] of VARIANTS) {
  // Errors by example folder.
  const errors = new Map(examples.map((e) => [e.dir, { ours: [], upstream: [] }]));
  for (const p of packages) {
    const group = examples.filter((e) => e.p === p);
    if (group.length === 0) continue;
    const args = [
      '--strict',
      ...flags,
      ...(group[0].nodeTypes ? [] : ['--typeRoots', noTypes]),
      ...group.map((e) => join(e.dir, source)),
    ];
    const r = run(tsc, args, { cwd: scratch });
    for (const line of `${r.stdout}${r.stderr}`.split('\n').filter((l) => /error TS\d+/.test(l))) {
      const file = resolve(scratch, line.replace(/\(\d+,\d+\).*$/, ''));
      const owner = group.find((e) => file.startsWith(`${e.dir}/`));
      const upstream = UPSTREAM_TYPE_ERRORS.test(line);
      // An error in a library's declarations counts against every example of the package.
      for (const e of owner ? [owner] : group) errors.get(e.dir)[upstream ? 'upstream' : 'ours'].push(line);
    }
  }
  for (const e of examples) {
    const where = `${e.p.json.name} README example ${e.i + 1} (${variant})`;
    const { ours, upstream } = errors.get(e.dir);
    if (ours.length > 0) {
      fail(`${where}: tsc --strict: ${ours.length} error(s)\n    ${ours.slice(0, 8).join('\n    ')}`);
      continue;
    }
    const runDir = join(e.dir, `run-${variant}`);
    mkdirSync(runDir);
    const t0 = Date.now();
    const r = run(process.execPath, [join(e.dir, output)], { cwd: runDir, timeout: EXAMPLE_TIMEOUT_MS });
    const seconds = ((Date.now() - t0) / 1000).toFixed(1);
    if (r.status !== 0) {
      fail(
        `${where}: exit ${r.status ?? r.signal} after ${seconds} s\n    ${`${r.stderr}`.trim().split('\n').slice(0, 8).join('\n    ')}`,
      );
    } else {
      const note =
        upstream.length > 0
          ? ` (${upstream.length} errors in @tensorflow/tfjs's own declarations ignored)`
          : '';
      console.log(`  ok ${where}: compiled and ran in ${seconds} s${note}`);
    }
  }
}

if (failures.length > 0) {
  console.log(`pack-check: ${failures.length} failure(s); scratch folder kept: ${work}`);
  process.exit(1);
}
console.log('pack-check: every tarball and README example is fine');
if (!KEEP) rmSync(work, { recursive: true, force: true });
