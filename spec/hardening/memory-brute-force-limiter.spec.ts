import { DEFAULT_BRUTE_FORCE_LIMITS, DEFAULT_MAX_COUNTERS, MemoryBruteForceLimiter } from '../../lib/hardening';
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

/** The n-th address of an IPv6 /64, as an attacker rotating its source address would use them. */
const rotatedAddress = (n: number): string => `2001:db8:0:1:0:0:${(n >>> 16).toString(16)}:${(n & 0xffff).toString(16)}`;

describe('MemoryBruteForceLimiter — memory stays bounded under a flood from ever-new addresses', () => {
  it(`holds at most ${DEFAULT_MAX_COUNTERS} keys per limit by default, whatever the number of addresses that fail`, async () => {
    const limiter = new MemoryBruteForceLimiter();
    expect(limiter.maxCounters).toBe(DEFAULT_MAX_COUNTERS);
    const flood = DEFAULT_MAX_COUNTERS + 20_000;
    for (let n = 0; n < flood; n += 1) await limiter.recordFailure({ clientId: `client-${n % 7}`, ip: rotatedAddress(n) });
    expect(limiter.counters).toEqual({ perClientAndAddress: DEFAULT_MAX_COUNTERS, perAddress: DEFAULT_MAX_COUNTERS });
    // the newest counters are kept, the oldest went
    const newest = flood - 1;
    expect(await limiter.check({ clientId: `client-${newest % 7}`, ip: rotatedAddress(newest) })).toEqual({ allowed: true, clean: false });
    expect(await limiter.check({ clientId: 'client-0', ip: rotatedAddress(0) })).toEqual({ allowed: true, clean: true });
  });

  it('takes its bound as maxCounters, and keeps the counter of an address that keeps trying (least recently used goes first)', async () => {
    const limiter = new MemoryBruteForceLimiter({ perAddress: { failures: 3, windowSeconds: 900 } }, { maxCounters: 10 });
    const attacker = { clientId: 'victim', ip: '198.51.100.66' };
    for (let i = 0; i < 3; i += 1) await limiter.recordFailure(attacker);
    for (let n = 0; n < 100; n += 1) {
      await limiter.recordFailure({ clientId: undefined, ip: rotatedAddress(n) });
      expect((await limiter.check(attacker)).allowed).toBe(false);
    }
    expect(limiter.counters.perAddress).toBe(10);
    expect(limiter.counters.perClientAndAddress).toBe(1);
  });

  it('lets a counter go once as many other keys have failed since it was last used (the price of the bound)', async () => {
    const limiter = new MemoryBruteForceLimiter({ perAddress: { failures: 3, windowSeconds: 900 } }, { maxCounters: 10 });
    const quiet = { clientId: undefined, ip: '198.51.100.67' };
    for (let i = 0; i < 3; i += 1) await limiter.recordFailure(quiet);
    expect((await limiter.check(quiet)).allowed).toBe(false);
    for (let n = 0; n < 10; n += 1) await limiter.recordFailure({ clientId: undefined, ip: rotatedAddress(n) });
    expect(await limiter.check(quiet)).toEqual({ allowed: true, clean: true });
  });

  it('answers at once: its promises are settled when returned (no timer, no I/O)', async () => {
    const limiter = new MemoryBruteForceLimiter();
    const settled = jest.fn();
    void limiter.recordFailure({ clientId: 'a', ip: '203.0.113.1' }).then(settled);
    void limiter.check({ clientId: 'a', ip: '203.0.113.1' }).then(settled);
    await Promise.resolve();
    expect(settled).toHaveBeenCalledTimes(2);
  });

  it.each([
    ['zero', { maxCounters: 0 }, /maxCounters must be a whole number from 1 to 10000000/],
    ['a fraction', { maxCounters: 1.5 }, /maxCounters/],
    ['a string', { maxCounters: '100' }, /maxCounters/],
    ['more than ten million', { maxCounters: 10_000_001 }, /maxCounters/],
    ['an unknown option', { max: 10 }, /unknown option 'max'/],
    ['a non-object', 'big', /options must be an object/],
  ])('refuses %s for its options with a TypeError', (_label, options, message) => {
    expect(() => new MemoryBruteForceLimiter(undefined, options as never)).toThrow(message);
  });
});
