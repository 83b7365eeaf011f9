import type { NextFunction, Request, Response } from 'express';
import { knownErrorReply } from './error-mapping';

/**
 * Express error middleware for what body-parser rejects before Nest sees the
 * request (malformed JSON, oversized bodies, forms with too many fields), so those answer `{"detail"}` too.
 */
export function bodyParserErrorHandler(error: unknown, _request: Request, response: Response, next: NextFunction): void {
  const reply = knownErrorReply(error);
  if (!reply) return next(error);
  response.set(reply.headers).status(reply.status).json(reply.body);
}
