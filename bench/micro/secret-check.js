'use strict';
/**
 * Child-process entry: the cost of one secret check, in microseconds, run one check at a time.
 *   generated   — the library's `verifySecret` against a `hashGeneratedSecret` hash (SHA-256 + timingSafeEqual)
 *   sha256-raw  — the same check written inline, synchronous (what the ceiling and the peers do)
 *   scrypt      — the library's `verifySecret` against a `hashImportedSecret` hash (N=16384, r=8, p=1)
 *   bcrypt-10   — bcrypt.compare against a cost-10 hash
 * Each measurement is bounded in operations and in time. Posts `{ type: 'result', rounds }`.
 */
const crypto = require('node:crypto');
const path = require('node:path');

const MEASURES = {
  generated: { maxOps: 200_000, maxMs: 700 },
  'sha256-raw': { maxOps: 200_000, maxMs: 700 },
  scrypt: { maxOps: 40, maxMs: 1000 },
  'bcrypt-10': { maxOps: 40, maxMs: 1000 },
};

async function measure(fn, { maxOps, maxMs }) {
  // a short warm-up, then the timed loop
  for (let i = 0; i < Math.min(20, maxOps); i++) await fn();
  const start = process.hrtime.bigint();
  const deadline = start + BigInt(maxMs) * 1_000_000n;
  let ops = 0;
  let now = start;
  while (ops < maxOps && now < deadline) {
    await fn();
    ops++;
    if ((ops & 63) === 0 || maxOps < 1000) now = process.hrtime.bigint();
  }
  now = process.hrtime.bigint();
  return { microsPerOp: Number(now - start) / 1000 / ops, ops };
}

async function main({ libDir, rounds }) {
  const secret = crypto.randomBytes(32).toString('base64url');
  let library;
  try {
    library = require(path.join(libDir, 'clients', 'index.js'));
  } catch {
    library = undefined;
  }
  const bcrypt = require('bcrypt');
  const digest = crypto.createHash('sha256').update(secret).digest();
  const bcryptHash = await bcrypt.hash(secret, 10);
  const checks = {
    'sha256-raw': () => crypto.timingSafeEqual(crypto.createHash('sha256').update(secret, 'utf8').digest(), digest),
    'bcrypt-10': () => bcrypt.compare(secret, bcryptHash),
  };
  if (library) {
    const generatedHash = library.hashGeneratedSecret(secret);
    const scryptHash = await library.hashImportedSecret(secret);
    checks.generated = () => library.verifySecret(secret, generatedHash);
    checks.scrypt = () => library.verifySecret(secret, scryptHash);
    if (!(await checks.generated()) || !(await checks.scrypt())) throw new Error('the library rejected its own hashes');
  }
  if (!(await checks['bcrypt-10']()) || !checks['sha256-raw']()) throw new Error('a reference check failed');

  const results = [];
  for (let round = 0; round < rounds; round++) {
    const row = {};
    for (const [name, bounds] of Object.entries(MEASURES)) {
      if (checks[name]) row[name] = await measure(checks[name], bounds);
    }
    results.push(row);
  }
  return { rounds: results, library: Boolean(library) };
}

setTimeout(() => process.exit(3), 5 * 60_000).unref();
process.on('disconnect', () => process.exit(0));
process.once('message', (message) => {
  main(message).then(
    (result) => process.send({ type: 'result', ...result }, () => process.exit(0)),
    (error) => process.send({ type: 'error', message: error.stack ?? String(error) }, () => process.exit(1)),
  );
});
