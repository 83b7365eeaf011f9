import { AppValidationPipe, BadRequestError, INT4_MAX, toSocketErrorAck, valueShapeProblem } from '#common';
import type { BodyShapeLimits } from '#common';
import { IDEMPOTENCY_KEY_RULE, isIdempotencyKey, SendMessageDto } from '#messages';
import type { Ack } from '#realtime';

const validation = new AppValidationPipe();

/** Socket payloads come from anywhere: a bad one gets an error ack, never a crash. */
export class PayloadError extends BadRequestError {}

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

/** A `send_message` payload: the message as `POST /api/messages` validates it, and its idempotency key. */
export async function sendMessageOf(payload: unknown): Promise<{ body: SendMessageDto; key?: string }> {
  const { key, rest } = takeIdempotencyKey(payload, 'idempotency_key');
  const body = (await validation.transform(rest, { type: 'body', metatype: SendMessageDto })) as SendMessageDto;
  return { body, key };
}

/** Runs a handler and turns any failure into `{ok: false, detail}` for the client's ack. */
export async function acknowledge<T extends object>(work: () => Promise<T>, onUnexpected: (error: unknown) => void): Promise<Ack<T>> {
  try {
    return { ok: true, ...(await work()) };
  } catch (error) {
    return toSocketErrorAck(error, onUnexpected);
  }
}
