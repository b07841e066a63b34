/**
 * RFC 9110 §5.6.7 — HTTP-date. "A recipient that parses a timestamp value in an HTTP field MUST
 * accept all three HTTP-date formats":
 *
 *     IMF-fixdate   Sun, 06 Nov 1994 08:49:37 GMT
 *     rfc850-date   Sunday, 06-Nov-94 08:49:37 GMT   (obsolete)
 *     asctime-date  Sun Nov  6 08:49:37 1994         (obsolete)
 *
 * Names are case-sensitive; the time of day runs from 00:00:00 to 23:59:60 (a leap second); a
 * two-digit rfc850 year "that appears to be more than 50 years in the future" is the most recent
 * past year with those digits. The day name is not checked against the date (G2P Connect's own
 * example, `Tue, 06 Mar 2020`, names the wrong day).
 */

const DAY_NAME = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const DAY_NAME_LONG = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'] as const;
const MONTH = `(${MONTHS.join('|')})`;
const TIME_OF_DAY = '(\\d{2}):(\\d{2}):(\\d{2})';

const IMF_FIXDATE = new RegExp(`^${DAY_NAME}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME_OF_DAY} GMT$`);
const RFC850_DATE = new RegExp(`^${DAY_NAME_LONG}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME_OF_DAY} GMT$`);
const ASCTIME_DATE = new RegExp(`^${DAY_NAME} ${MONTH} (\\d{2}| \\d) ${TIME_OF_DAY} (\\d{4})$`);

interface DateParts {
  year: number;
  month: string;
  day: string;
  hour: string;
  minute: string;
  second: string;
}

/**
 * The instant an HTTP-date names, or `undefined` when `value` is not one.
 *
 * @example
 * parseHttpDate('Tue, 06 Mar 2020 21:00:00 GMT');   // 2020-03-06T21:00:00.000Z
 * parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT');  // 1994-11-06T08:49:37.000Z
 * parseHttpDate('Sun Nov  6 08:49:37 1994');        // 1994-11-06T08:49:37.000Z
 * parseHttpDate('2020-03-06T21:00:00Z');            // undefined
 */
export function parseHttpDate(value: string, now: Date = new Date()): Date | undefined {
  let match = IMF_FIXDATE.exec(value);
  if (match) {
    const [, day, month, year, hour, minute, second] = match as unknown as [string, string, string, string, string, string, string];
    return toDate({ year: Number(year), month, day, hour, minute, second });
  }
  match = RFC850_DATE.exec(value);
  if (match) {
    const [, day, month, shortYear, hour, minute, second] = match as unknown as [string, string, string, string, string, string, string];
    return toDate({ year: fullYear(Number(shortYear), now), month, day, hour, minute, second });
  }
  match = ASCTIME_DATE.exec(value);
  if (match) {
    const [, month, day, hour, minute, second, year] = match as unknown as [string, string, string, string, string, string, string];
    return toDate({ year: Number(year), month, day: day.trim(), hour, minute, second });
  }
  return undefined;
}

/** RFC 9110 §5.6.7: a two-digit year more than 50 years ahead is in the past century. */
function fullYear(shortYear: number, now: Date): number {
  const thisYear = now.getUTCFullYear();
  const year = thisYear - (thisYear % 100) + shortYear;
  return year > thisYear + 50 ? year - 100 : year;
}

function toDate(parts: DateParts): Date | undefined {
  const month = (MONTHS as readonly string[]).indexOf(parts.month);
  const day = Number(parts.day);
  const hour = Number(parts.hour);
  const minute = Number(parts.minute);
  const second = Number(parts.second);
  if (day < 1 || day > daysInMonth(parts.year, month) || hour > 23 || minute > 59 || second > 60) return undefined;
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not read years 0–99 as 1900–1999.
  date.setUTCFullYear(parts.year, month, day);
  date.setUTCHours(hour, minute, second, 0);
  return date;
}

function daysInMonth(year: number, month: number): number {
  if (month === 1) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [3, 5, 8, 10].includes(month) ? 30 : 31;
}
