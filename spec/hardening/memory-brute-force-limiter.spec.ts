import { DEFAULT_BRUTE_FORCE_LIMITS, MemoryBruteForceLimiter } from '../../lib/hardening';
import { bruteForceLimiterContract } from './brute-force-limiter.contract';

describe('MemoryBruteForceLimiter — the BruteForceLimiter contract', () => {
  bruteForceLimiterContract((limits) => new MemoryBruteForceLimiter(limits));
});

describe('MemoryBruteForceLimiter — limits and windows', () => {
  afterEach(() => jest.useRealTimers());

  it('defaults to DESIGN.md: 10 failures per (client id, address) and 100 per address, per 15 minutes', () => {
    expect(new MemoryBruteForceLimiter().limits).toEqual({
      perClientAndAddress: { failures: 10, windowSeconds: 900 },
      perAddress: { failures: 100, windowSeconds: 900 },
    });
    expect(new MemoryBruteForceLimiter().limits).toEqual(DEFAULT_BRUTE_FORCE_LIMITS);
  });

  it('keeps a default for the limit it is not given', () => {
    const limiter = new MemoryBruteForceLimiter({ perAddress: { failures: 50, windowSeconds: 60 } });
    expect(limiter.limits.perClientAndAddress).toEqual({ failures: 10, windowSeconds: 900 });
  });

  it('forgets failures when the window (counted from the first failure) ends', async () => {
    jest.useFakeTimers({ now: new Date('2030-01-01T00:00:00Z') });
    const limiter = new MemoryBruteForceLimiter({ perClientAndAddress: { failures: 2, windowSeconds: 900 } });
    const attempt = { clientId: 'client-a', ip: '203.0.113.1' };
    await limiter.recordFailure(attempt);
    await limiter.recordFailure(attempt);
    jest.advanceTimersByTime(899_000);
    const verdict = await limiter.check(attempt);
    expect(verdict).toEqual({ allowed: false, retryAfterSeconds: 1 });
    jest.advanceTimersByTime(1_000);
    expect(await limiter.check(attempt)).toEqual({ allowed: true, clean: true });
  });

  it.each([
    ['an unknown limit', { perIp: { failures: 1, windowSeconds: 1 } }, /unknown option 'perIp'/],
    ['a window longer than a day', { perAddress: { failures: 1, windowSeconds: 86_401 } }, /perAddress\.windowSeconds/],
    ['a negative failure count', { perClientAndAddress: { failures: -1, windowSeconds: 60 } }, /perClientAndAddress\.failures/],
  ])('refuses %s with a TypeError', (_label, limits, message) => {
    expect(() => new MemoryBruteForceLimiter(limits as never)).toThrow(message);
  });
});
