import { ValidationError } from '#common';

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 24 * 60 * 60 * 1000;

/** The first instant of the UTC month of `now`. */
export function startOfUtcMonth(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/** The first instant of the UTC day of `now`. */
export function startOfUtcDay(now: Date): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

/** A date is its 00:00 UTC; a date-time without an offset is UTC. */
function instant(value: string): Date {
  if (DATE_ONLY.test(value)) return new Date(`${value}T00:00:00Z`);
  return new Date(/(Z|[+-]\d{2}:\d{2})$/.test(value) ? value : `${value}Z`);
}

/**
 * The range a report covers, `from` inclusive and `to` exclusive: by default this UTC month so far.
 * A date as `to` includes that whole day. Already validated as dates or date-times (UsageReportQuery).
 */
export function usageRange(query: { from?: string; to?: string }, now = new Date()): { from: Date; to: Date } {
  const from = query.from ? instant(query.from) : startOfUtcMonth(now);
  let to = now;
  if (query.to) to = DATE_ONLY.test(query.to) ? new Date(instant(query.to).getTime() + DAY_MS) : instant(query.to);
  if (from.getTime() >= to.getTime()) {
    throw new ValidationError([{ loc: ['query', 'to'], msg: 'to must be after from (from defaults to the first day of this month, UTC)' }]);
  }
  return { from, to };
}
