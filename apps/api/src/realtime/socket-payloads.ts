import { asAppException, INT4_MAX, valueShapeProblem } from '#common';
import type { BodyShapeLimits, ErrorDetail } from '#common';
import { IDEMPOTENCY_KEY_RULE, isIdempotencyKey } from '#messages';

export type Ack<T extends object = object> = ({ ok: true } & T) | { ok: false; detail: ErrorDetail };

/** Socket payloads come from anywhere: a bad one gets an error ack, never a crash. */
export class PayloadError extends Error {}

function field(payload: unknown, name: string): unknown {
  return typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>)[name] : undefined;
}

/** A positive integer id (a numeric string is accepted, as query strings are). */
export function idField(payload: unknown, name: string): number {
  const value = field(payload, name);
  const id = typeof value === 'string' && /^\d{1,10}$/.test(value) ? Number(value) : value;
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id > INT4_MAX) {
    throw new PayloadError(`${name} must be a positive integer`);
  }
  return id;
}

export function booleanField(payload: unknown, name: string): boolean {
  const value = field(payload, name);
  if (typeof value !== 'boolean') throw new PayloadError(`${name} must be true or false`);
  return value;
}

/** An event sequence number: the last event's seq is MAX_SAFE_INTEGER, so that is the ceiling. */
export function optionalSeq(payload: unknown, name: string): number {
  const value = field(payload, name) ?? 0;
  if (!Number.isSafeInteger(value) || (value as number) < 0) {
    throw new PayloadError(`${name} must be an integer from 0 to ${Number.MAX_SAFE_INTEGER}`);
  }
  return value as number;
}

/** Refuses a payload too deep or too large to validate, before any handler reads it. */
export function checkPayloadShape(payload: unknown, limits: BodyShapeLimits): void {
  const problem = valueShapeProblem(payload, limits);
  if (problem) throw new PayloadError(`Payload ${problem}`);
}

/** The payload's idempotency key (validated, or undefined), and the payload without it. */
export function takeIdempotencyKey(payload: unknown, name: string): { key?: string; rest: unknown } {
  const value = field(payload, name);
  if (value === undefined) return { rest: payload };
  if (!isIdempotencyKey(value)) throw new PayloadError(`${name} ${IDEMPOTENCY_KEY_RULE}`);
  const rest = { ...(payload as Record<string, unknown>) };
  delete rest[name];
  return { key: value, rest };
}

/** Runs a handler and turns any failure into `{ok: false, detail}` for the client's ack. */
export async function acknowledge<T extends object>(work: () => Promise<T>, onUnexpected: (error: unknown) => void): Promise<Ack<T>> {
  try {
    return { ok: true, ...(await work()) };
  } catch (error) {
    if (error instanceof PayloadError) return { ok: false, detail: error.message };
    const known = asAppException(error);
    if (known) return { ok: false, detail: known.detail };
    onUnexpected(error);
    return { ok: false, detail: 'Internal server error' };
  }
}
