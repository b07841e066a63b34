'use strict';
/** What the figures were measured on. */
const os = require('node:os');
const fs = require('node:fs');
const path = require('node:path');

function packageVersion(repoRoot, name) {
  try {
    return JSON.parse(fs.readFileSync(path.join(repoRoot, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return 'not installed';
  }
}

function describeMachine(repoRoot) {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model?.trim() || 'unknown',
    cores: os.availableParallelism(),
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    platform: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    openssl: process.versions.openssl,
    date: new Date().toISOString(),
    versions: Object.fromEntries(
      [
        'express',
        'jsonwebtoken',
        'autocannon',
        '@node-oauth/oauth2-server',
        'oidc-provider',
        'oauth2orize',
        'passport',
        'passport-http',
        'passport-http-bearer',
        'passport-jwt',
        'express-jwt',
        'bcrypt',
      ].map((name) => [name, packageVersion(repoRoot, name)]),
    ),
  };
}

module.exports = { describeMachine };
