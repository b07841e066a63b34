import { generateKeyPairSync } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import {
  Keyring,
  SigningPool,
  SigningPoolError,
  createSigningPool,
  decodeJwtUnverified,
  signJwt,
  verifyJwt,
} from '../../lib/keys';
import type { SigningKey, SigningPoolErrorCode, SigningPoolOptions } from '../../lib/keys';
import type { SigningWorkerRequest } from '../../lib/keys/jwt';
import { SIGNING_WORKER_KEY_CACHE_SIZE } from '../../lib/keys/signing-pool';
import { TEST_AUDIENCE, TEST_ISSUER, accessClaims } from '../support/keys';

const expectations = { issuer: TEST_ISSUER, audience: TEST_AUDIENCE };

const pools: SigningPool[] = [];

function signingPool(options?: SigningPoolOptions): SigningPool {
  const pool = createSigningPool(options);
  pools.push(pool);
  return pool;
}

afterEach(async () => {
  await Promise.all(pools.splice(0).map((pool) => pool.close()));
  jest.restoreAllMocks();
});

/** Watches (never changes) what the pool posts to its workers, and to which worker. */
function watchWorkerMessages(): { requests: () => SigningWorkerRequest[]; workers: () => Worker[] } {
  const postMessage = jest.spyOn(Worker.prototype, 'postMessage');
  return {
    requests: () => postMessage.mock.calls.map(([request]) => request as SigningWorkerRequest),
    workers: () => postMessage.mock.contexts as Worker[],
  };
}

async function rejection(promise: Promise<unknown>): Promise<SigningPoolError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof SigningPoolError) return error;
    throw error;
  }
  throw new Error('the task was not rejected');
}

async function expectRejected(promise: Promise<unknown>, code: SigningPoolErrorCode): Promise<void> {
  expect((await rejection(promise)).code).toBe(code);
}

let rsa: Keyring;
let ec: Keyring;
beforeAll(async () => {
  [rsa, ec] = await Promise.all([Keyring.generate('RS256'), Keyring.generate('ES256')]);
});

describe('SigningPool — writes the token signJwt writes', () => {
  it('signs RS256 byte for byte as signJwt', async () => {
    const claims = accessClaims();
    const token = await signingPool({ threads: 1 }).sign(claims, rsa.signingKey);
    expect(token).toBe(signJwt(claims, rsa.signingKey));
  });

  it('adds no iat to a payload that has none, as signJwt', async () => {
    const claims = { sub: 'client-1', exp: 2_000_000_000 };
    const token = await signingPool({ threads: 1 }).sign(claims, rsa.signingKey);
    expect(token).toBe(signJwt(claims, rsa.signingKey));
    expect(decodeJwtUnverified(token).payload).toEqual(claims);
  });

  it('honours options.typ as signJwt', async () => {
    const claims = accessClaims();
    const token = await signingPool({ threads: 1 }).sign(claims, rsa.signingKey, { typ: 'JWT' });
    expect(token).toBe(signJwt(claims, rsa.signingKey, { typ: 'JWT' }));
  });

  it('signs ES256 tokens that verify, with the header and payload signJwt writes', async () => {
    const claims = accessClaims();
    const token = await signingPool({ threads: 1 }).sign(claims, ec.signingKey);
    const verified = await verifyJwt(token, ec, expectations);
    expect(verified.claims).toEqual(claims);
    const expected = decodeJwtUnverified(signJwt(claims, ec.signingKey));
    expect(decodeJwtUnverified(token)).toEqual(expected);
  });
});

describe('SigningPool — many tasks over many threads', () => {
  it('answers 200 concurrent signs over 2 threads, each with its own token', async () => {
    const pool = signingPool({ threads: 2 });
    const claims = Array.from({ length: 200 }, () => accessClaims());
    const tokens = await Promise.all(claims.map((payload) => pool.sign(payload, rsa.signingKey)));
    expect(tokens).toEqual(claims.map((payload) => signJwt(payload, rsa.signingKey)));
  });

  it('sends each task to the worker with the fewest tasks in flight', async () => {
    const watch = watchWorkerMessages();
    const pool = signingPool({ threads: 2 });
    await Promise.all(Array.from({ length: 10 }, () => pool.sign(accessClaims(), ec.signingKey)));
    const [first, second] = new Set(watch.workers());
    expect(watch.workers().filter((worker) => worker === first)).toHaveLength(5);
    expect(watch.workers().filter((worker) => worker === second)).toHaveLength(5);
  });
});

describe('SigningPool — keys', () => {
  it('signs with the new key and kid after a rotation', async () => {
    const pool = signingPool({ threads: 1 });
    await pool.sign(accessClaims(), rsa.signingKey);
    const next = await Keyring.generate('ES256');
    const token = await pool.sign(accessClaims(), next.signingKey);
    expect(decodeJwtUnverified(token).header.kid).toBe(next.signingKey.kid);
    await expect(verifyJwt(token, next, expectations)).resolves.toBeDefined();
  });

  it('sends a key to each worker once, not with every task', async () => {
    const watch = watchWorkerMessages();
    const pool = signingPool({ threads: 2 });
    for (let round = 0; round < 3; round++) {
      await Promise.all([pool.sign(accessClaims(), ec.signingKey), pool.sign(accessClaims(), ec.signingKey)]);
    }
    expect(watch.requests()).toHaveLength(6);
    expect(watch.requests().filter((request) => request.key !== undefined)).toHaveLength(2);
  });

  it('sends a key again to a worker that had to drop it, and every token still verifies', async () => {
    const watch = watchWorkerMessages();
    const pool = signingPool({ threads: 1 });
    const keyrings = await Promise.all(
      Array.from({ length: SIGNING_WORKER_KEY_CACHE_SIZE + 1 }, () => Keyring.generate('ES256')),
    );
    for (let round = 0; round < 2; round++) {
      for (const keyring of keyrings) {
        const token = await pool.sign(accessClaims(), keyring.signingKey);
        await expect(verifyJwt(token, keyring, expectations)).resolves.toBeDefined();
      }
    }
    // The least recently used key is always the next one needed: each task carries its key.
    expect(watch.requests().filter((request) => request.key !== undefined)).toHaveLength(2 * keyrings.length);
    expect(watch.requests().filter((request) => request.drop !== undefined)).toHaveLength(keyrings.length + 1);
  });
});

describe('SigningPool — failures', () => {
  it('rejects the tasks of a worker that dies with ERR_SIGNING_WORKER_FAILED, then signs on a new worker', async () => {
    const watch = watchWorkerMessages();
    const pool = signingPool({ threads: 1 });
    const inFlight = [pool.sign(accessClaims(), rsa.signingKey), pool.sign(accessClaims(), rsa.signingKey)];
    const [dying] = watch.workers();
    void dying!.terminate();
    await Promise.all(inFlight.map((task) => expectRejected(task, 'ERR_SIGNING_WORKER_FAILED')));

    const claims = accessClaims();
    await expect(pool.sign(claims, rsa.signingKey)).resolves.toBe(signJwt(claims, rsa.signingKey));
    expect(watch.workers()[2]).not.toBe(dying);
  });

  it('rejects only the task jsonwebtoken refuses, with its message, and keeps the worker', async () => {
    const watch = watchWorkerMessages();
    const pool = signingPool({ threads: 1 });
    const ecPrivateKey = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    const misfit: SigningKey = { kid: 'ec-as-rsa', alg: 'RS256', key: ecPrivateKey };
    const claims = accessClaims();
    const refused = pool.sign(claims, misfit);
    const signed = pool.sign(claims, rsa.signingKey);

    const error = await rejection(refused);
    expect(error.code).toBe('ERR_SIGNING_WORKER_FAILED');
    expect(() => signJwt(claims, misfit)).toThrow(error.message);
    await expect(signed).resolves.toBe(signJwt(claims, rsa.signingKey));
    await pool.sign(claims, rsa.signingKey);
    expect(new Set(watch.workers()).size).toBe(1);
  });

  it('rejects a task unanswered within timeoutMs with ERR_SIGNING_POOL_TIMEOUT and replaces its worker', async () => {
    const watch = watchWorkerMessages();
    // 1 ms is less than a worker thread takes to start: the first task cannot be answered in time.
    const pool = signingPool({ threads: 1, timeoutMs: 1 });
    await expectRejected(pool.sign(accessClaims(), ec.signingKey), 'ERR_SIGNING_POOL_TIMEOUT');
    await expectRejected(pool.sign(accessClaims(), ec.signingKey), 'ERR_SIGNING_POOL_TIMEOUT');
    const [first, second] = watch.workers();
    expect(second).not.toBe(first);
  });

  it('rejects a sign beyond maxQueue tasks in flight at once with ERR_SIGNING_POOL_BUSY', async () => {
    const pool = signingPool({ threads: 1, maxQueue: 2 });
    const settled: string[] = [];
    const track = (name: string, task: Promise<unknown>): Promise<unknown> =>
      task.finally(() => settled.push(name));
    const accepted = [
      track('first', pool.sign(accessClaims(), rsa.signingKey)),
      track('second', pool.sign(accessClaims(), rsa.signingKey)),
    ];
    await expectRejected(track('third', pool.sign(accessClaims(), rsa.signingKey)), 'ERR_SIGNING_POOL_BUSY');
    await Promise.all(accepted);
    expect(settled).toEqual(['third', 'first', 'second']);
    await expect(pool.sign(accessClaims(), rsa.signingKey)).resolves.toEqual(expect.any(String));
  });
});

describe('SigningPool — close()', () => {
  it('rejects the tasks in flight with ERR_SIGNING_POOL_CLOSED', async () => {
    const pool = signingPool({ threads: 2 });
    const inFlight = [pool.sign(accessClaims(), rsa.signingKey), pool.sign(accessClaims(), rsa.signingKey)];
    const rejected = Promise.all(inFlight.map((task) => expectRejected(task, 'ERR_SIGNING_POOL_CLOSED')));
    await pool.close();
    await rejected;
  });

  it('rejects every later sign with ERR_SIGNING_POOL_CLOSED', async () => {
    const pool = signingPool({ threads: 1 });
    await pool.close();
    await expectRejected(pool.sign(accessClaims(), rsa.signingKey), 'ERR_SIGNING_POOL_CLOSED');
  });

  it('is idempotent', async () => {
    const pool = signingPool({ threads: 1 });
    await pool.close();
    await expect(pool.close()).resolves.toBeUndefined();
  });
});

describe('SigningPool — process lifetime', () => {
  const keepingAlive = (): number => process.getActiveResourcesInfo().filter((name) => name === 'MessagePort').length;

  it('keeps the process alive only while a task is in flight', async () => {
    const before = keepingAlive();
    const pool = signingPool({ threads: 2 });
    expect(keepingAlive()).toBe(before);
    const task = pool.sign(accessClaims(), ec.signingKey);
    expect(keepingAlive()).toBe(before + 1);
    await task;
    expect(keepingAlive()).toBe(before);
  });
});

describe('SigningPool — options, checked once in the constructor', () => {
  it('uses one thread fewer than the cores, from 1 to 4, by default', () => {
    expect(signingPool().threads).toBe(Math.min(4, Math.max(1, availableParallelism() - 1)));
  });

  it.each<[keyof SigningPoolOptions, unknown]>([
    ['threads', 0],
    ['threads', 65],
    ['threads', 1.5],
    ['threads', '2'],
    ['threads', Number.NaN],
    ['maxQueue', 0],
    ['maxQueue', 2.5],
    ['timeoutMs', 0],
    ['timeoutMs', Number.POSITIVE_INFINITY],
    ['timeoutMs', 2 ** 31],
  ])('refuses options.%s = %p with a TypeError naming it', (option, value) => {
    const construct = (): SigningPool => new SigningPool({ [option]: value });
    expect(construct).toThrow(TypeError);
    expect(construct).toThrow(`SigningPool: options.${option} must be`);
  });
});
