/**
 * RFC 9110 §5.6.7 — HTTP-date, as G2P Connect's `timestamp` header is read.
 */
import { parseHttpDate } from '../../lib/profiles';

describe('parseHttpDate — RFC 9110 §5.6.7', () => {
  it('reads an IMF-fixdate', () => {
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT')?.toISOString()).toBe('1994-11-06T08:49:37.000Z');
  });

  it('reads G2P Connect’s example, whose day name does not match its date', () => {
    expect(parseHttpDate('Tue, 06 Mar 2020 21:00:00 GMT')?.toISOString()).toBe('2020-03-06T21:00:00.000Z');
  });

  it('reads an obsolete rfc850-date', () => {
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT', new Date('2026-01-01T00:00:00Z'))?.toISOString()).toBe(
      '1994-11-06T08:49:37.000Z',
    );
  });

  it('reads an rfc850 two-digit year up to 50 years ahead as this century', () => {
    expect(parseHttpDate('Monday, 01-Jan-74 00:00:00 GMT', new Date('2026-01-01T00:00:00Z'))?.getUTCFullYear()).toBe(2074);
    expect(parseHttpDate('Monday, 01-Jan-77 00:00:00 GMT', new Date('2026-01-01T00:00:00Z'))?.getUTCFullYear()).toBe(1977);
  });

  it('reads an obsolete asctime-date, with a one-digit day padded by a space', () => {
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994')?.toISOString()).toBe('1994-11-06T08:49:37.000Z');
    expect(parseHttpDate('Sun Nov 16 08:49:37 1994')?.toISOString()).toBe('1994-11-16T08:49:37.000Z');
  });

  it('reads a leap second and 29 February of a leap year', () => {
    expect(parseHttpDate('Sat, 31 Dec 2016 23:59:60 GMT')?.toISOString()).toBe('2017-01-01T00:00:00.000Z');
    expect(parseHttpDate('Sat, 29 Feb 2020 00:00:00 GMT')?.toISOString()).toBe('2020-02-29T00:00:00.000Z');
  });

  it('keeps a four-digit year below 100 as it is', () => {
    expect(parseHttpDate('Mon, 01 Jan 0099 00:00:00 GMT')?.getUTCFullYear()).toBe(99);
  });

  it.each([
    '',
    'yesterday',
    '2020-03-06T21:00:00Z',
    'Tue, 06 Mar 2020 21:00:00 UTC',
    'Tue, 06 Mar 2020 21:00:00 +0000',
    'tue, 06 mar 2020 21:00:00 gmt',
    'Tue, 6 Mar 2020 21:00:00 GMT',
    'Tue,  06 Mar 2020 21:00:00 GMT',
    'Tue, 06 Mar 20 21:00:00 GMT',
    'Tue, 29 Feb 2019 00:00:00 GMT',
    'Tue, 31 Apr 2020 00:00:00 GMT',
    'Tue, 00 Mar 2020 00:00:00 GMT',
    'Tue, 06 Mar 2020 21:60:00 GMT',
    'Tue, 06 Mar 2020 21:00:61 GMT',
    'Tuesday, 06 Mar 2020 21:00:00 GMT',
    'Tue, 06-Mar-20 21:00:00 GMT',
    'Sun Nov 6 08:49:37 1994',
    ' Tue, 06 Mar 2020 21:00:00 GMT',
  ])('refuses %j', (value) => {
    expect(parseHttpDate(value)).toBeUndefined();
  });
});
