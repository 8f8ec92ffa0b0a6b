#!/usr/bin/env node
// Regenerates data/fashion-mnist/*.gz: the first 6,000 training and 1,000 test examples of
// Fashion-MNIST, cut from Debian's dataset-fashion-mnist IDX files, and SHA256SUMS. The
// output is reproducible: zlib level 9 and a gzip header with mtime 0 and no file name.
// Usage: node scripts/make-embedded-fashion-mnist.js [--check] [SOURCE_DIR]
//   --check: write nothing; verify that the shipped files hold exactly the first examples of SOURCE_DIR.

const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const args = process.argv.slice(2);
const check = args.includes('--check');
const src = args.find((a) => a !== '--check') ?? '/usr/share/datasets/fashion-mnist';
const out = path.join(__dirname, '..', 'data', 'fashion-mnist');
const plan = [
  ['train', 6000],
  ['t10k', 1000],
];

function cut(file, n, itemBytes, headerBytes) {
  const buf = zlib.gunzipSync(fs.readFileSync(path.join(src, file)));
  const head = Buffer.from(buf.subarray(0, headerBytes));
  const total = head.readUInt32BE(4);
  if (total < n) throw new Error(`${file}: has ${total} items, need ${n}`);
  head.writeUInt32BE(n, 4);
  const idx = Buffer.concat([head, buf.subarray(headerBytes, headerBytes + n * itemBytes)]);
  const dest = path.join(out, file);
  if (check) {
    const shipped = zlib.gunzipSync(fs.readFileSync(dest));
    if (!shipped.equals(idx)) throw new Error(`${dest}: differs from the first ${n} items of ${src}/${file}`);
    console.log(`${dest}: OK, the first ${n} of ${total} items of ${src}/${file}`);
    return null;
  }
  // Node's gzip writes mtime 0 and no name: the same input gives the same bytes.
  const gz = zlib.gzipSync(idx, { level: 9 });
  fs.writeFileSync(`${dest}.tmp`, gz);
  fs.renameSync(`${dest}.tmp`, dest);
  console.log(`${dest}: ${n} of ${total} items, ${gz.length} bytes`);
  return `${crypto.createHash('sha256').update(gz).digest('hex')}  ${file}\n`;
}

fs.mkdirSync(out, { recursive: true });
const sums = [];
for (const [prefix, n] of plan) {
  sums.push(cut(`${prefix}-images-idx3-ubyte.gz`, n, 28 * 28, 16));
  sums.push(cut(`${prefix}-labels-idx1-ubyte.gz`, n, 1, 8));
}
if (!check) {
  fs.writeFileSync(path.join(out, 'SHA256SUMS.tmp'), sums.join(''));
  fs.renameSync(path.join(out, 'SHA256SUMS.tmp'), path.join(out, 'SHA256SUMS'));
}
