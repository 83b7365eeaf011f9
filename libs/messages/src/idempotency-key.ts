import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { Request } from 'express';
import { ValidationError } from '#common';

export const IDEMPOTENCY_KEY_RULE = 'must be 1 to 128 visible ASCII characters (a UUID, say)';

export function isIdempotencyKey(value: unknown): value is string {
  return typeof value === 'string' && /^[\x21-\x7e]{1,128}$/.test(value);
}

/** The request's Idempotency-Key header: undefined when absent, 422 when malformed. */
export const IdempotencyKey = createParamDecorator((_: unknown, context: ExecutionContext): string | undefined => {
  const value = context.switchToHttp().getRequest<Request>().headers['idempotency-key'];
  if (value === undefined) return undefined;
  if (!isIdempotencyKey(value)) {
    throw new ValidationError([{ loc: ['header', 'Idempotency-Key'], msg: `Idempotency-Key ${IDEMPOTENCY_KEY_RULE}` }]);
  }
  return value;
});
