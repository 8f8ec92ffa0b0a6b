#!/usr/bin/env node
// Regenerates data/fashion-mnist/*.gz: the first 6,000 training and 1,000 test examples of
// Fashion-MNIST, cut from Debian's dataset-fashion-mnist IDX files. The output is
// reproducible: zlib level 9 and a gzip header with mtime 0 and no file name.
// Usage: node scripts/make-embedded-fashion-mnist.js [SOURCE_DIR]

const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const src = process.argv[2] ?? '/usr/share/datasets/fashion-mnist';
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
  const body = buf.subarray(headerBytes, headerBytes + n * itemBytes);
  // Node's gzip writes mtime 0 and no name: the same input gives the same bytes.
  const gz = zlib.gzipSync(Buffer.concat([head, body]), { level: 9 });
  const dest = path.join(out, file);
  fs.writeFileSync(`${dest}.tmp`, gz);
  fs.renameSync(`${dest}.tmp`, dest);
  console.log(`${dest}: ${n} of ${total} items, ${gz.length} bytes`);
}

fs.mkdirSync(out, { recursive: true });
for (const [prefix, n] of plan) {
  cut(`${prefix}-images-idx3-ubyte.gz`, n, 28 * 28, 16);
  cut(`${prefix}-labels-idx1-ubyte.gz`, n, 1, 8);
}
