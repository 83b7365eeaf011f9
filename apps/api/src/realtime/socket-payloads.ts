import { AppException } from '../../../../libs/common/src';
import type { ErrorDetail } from '../../../../libs/common/src';

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
  if (typeof id !== 'number' || !Number.isInteger(id) || id < 1 || id > 2 ** 31 - 1) {
    throw new PayloadError(`${name} must be a positive integer`);
  }
  return id;
}

export function booleanField(payload: unknown, name: string): boolean {
  const value = field(payload, name);
  if (typeof value !== 'boolean') throw new PayloadError(`${name} must be true or false`);
  return value;
}

export function optionalSeq(payload: unknown, name: string): number {
  const value = field(payload, name) ?? 0;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) throw new PayloadError(`${name} must be an integer >= 0`);
  return value;
}

/** Runs a handler and turns any failure into `{ok: false, detail}` for the client's ack. */
export async function acknowledge<T extends object>(work: () => Promise<T>, onUnexpected: (error: unknown) => void): Promise<Ack<T>> {
  try {
    return { ok: true, ...(await work()) };
  } catch (error) {
    if (error instanceof PayloadError) return { ok: false, detail: error.message };
    if (error instanceof AppException) return { ok: false, detail: error.detail };
    onUnexpected(error);
    return { ok: false, detail: 'Internal server error' };
  }
}
