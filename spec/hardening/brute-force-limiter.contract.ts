/**
 * The `BruteForceLimiter` contract, run against every adapter (memory here, MongoDB where a server
 * is available). `make` builds a fresh limiter with the given limits.
 */
import type { BruteForceLimiter, BruteForceLimits } from '../../lib/hardening';

export function bruteForceLimiterContract(make: (limits: BruteForceLimits) => BruteForceLimiter | Promise<BruteForceLimiter>): void {
  const limits = { perClientAndAddress: { failures: 3, windowSeconds: 600 }, perAddress: { failures: 5, windowSeconds: 900 } };
  let limiter: BruteForceLimiter;
  beforeEach(async () => {
    limiter = await make(limits);
  });

  const attempt = (clientId: string | undefined, ip = '203.0.113.1') => ({ clientId, ip });

  async function fail(times: number, clientId: string | undefined, ip?: string): Promise<void> {
    for (let i = 0; i < times; i += 1) await limiter.recordFailure(attempt(clientId, ip));
  }

  it('allows an attempt nothing is counted against, and says its pair is clean', async () => {
    expect(await limiter.check(attempt('client-a'))).toEqual({ allowed: true, clean: true });
  });

  it('says a pair with failures is not clean while it is still allowed, and clean again after a success', async () => {
    await fail(1, 'client-a');
    expect(await limiter.check(attempt('client-a'))).toEqual({ allowed: true, clean: false });
    expect(await limiter.check(attempt('client-b'))).toEqual({ allowed: true, clean: true });
    await limiter.recordSuccess(attempt('client-a'));
    expect(await limiter.check(attempt('client-a'))).toEqual({ allowed: true, clean: true });
  });

  it('calls a pair clean when only its address has failures (a success clears the pair, never the address)', async () => {
    await fail(2, undefined);
    expect(await limiter.check(attempt('client-a'))).toEqual({ allowed: true, clean: true });
  });

  it('allows a pair until it has collected its limit of failures, then refuses it with the seconds left in the window', async () => {
    await fail(2, 'client-a');
    expect(await limiter.check(attempt('client-a'))).toMatchObject({ allowed: true });
    await fail(1, 'client-a');
    const verdict = await limiter.check(attempt('client-a'));
    expect(verdict.allowed).toBe(false);
    if (!verdict.allowed) {
      expect(verdict.retryAfterSeconds).toBeGreaterThan(0);
      expect(verdict.retryAfterSeconds).toBeLessThanOrEqual(600);
    }
  });

  it('keeps pairs apart: another client from the address, the client from another address', async () => {
    await fail(3, 'client-a');
    expect(await limiter.check(attempt('client-b'))).toMatchObject({ allowed: true });
    expect(await limiter.check(attempt('client-a', '203.0.113.2'))).toMatchObject({ allowed: true });
  });

  it('does not confuse pairs whose parts join to the same text', async () => {
    await fail(3, 'b', '10.0.0.1:a');
    expect(await limiter.check(attempt('a:b', '10.0.0.1'))).toMatchObject({ allowed: true });
  });

  it('refuses every attempt from an address once it has collected the address limit, with or without a client id', async () => {
    await fail(2, 'client-a');
    await fail(2, 'client-b');
    await fail(1, undefined);
    expect((await limiter.check(attempt('client-c'))).allowed).toBe(false);
    expect((await limiter.check(attempt(undefined))).allowed).toBe(false);
    expect(await limiter.check(attempt('client-c', '203.0.113.9'))).toMatchObject({ allowed: true });
  });

  it('counts an attempt without a client id against the address only', async () => {
    await fail(3, undefined);
    expect(await limiter.check(attempt('client-a'))).toMatchObject({ allowed: true });
  });

  it("clears a pair on success, and nothing else: not the address, not another address's pair", async () => {
    await fail(3, 'client-a');
    await fail(3, 'client-a', '203.0.113.2');
    await limiter.recordSuccess(attempt('client-a'));
    expect(await limiter.check(attempt('client-a'))).toMatchObject({ allowed: true });
    expect((await limiter.check(attempt('client-a', '203.0.113.2'))).allowed).toBe(false);
    await fail(2, 'client-b');
    expect((await limiter.check(attempt('client-c'))).allowed).toBe(false);
  });

  it('takes client ids of any length and content', async () => {
    const hostile = `${'\u0000'.repeat(3)}__proto__${'é'.repeat(10_000)}`;
    await fail(3, hostile);
    expect((await limiter.check(attempt(hostile))).allowed).toBe(false);
    expect(await limiter.check(attempt('__proto__'))).toMatchObject({ allowed: true });
  });
}
