import type { NextFunction, Request, Response } from 'express';
import { knownErrorReply } from './error-mapping';
import { isOpenAiRequest, toOpenAiErrorReply } from './openai-error-reply';

/**
 * Express error middleware for what body-parser rejects before Nest sees the
 * request (malformed JSON, oversized bodies, forms with too many fields), so those answer `{"detail"}` too
 * (OpenAI's error shape under /v1).
 */
export function bodyParserErrorHandler(error: unknown, request: Request, response: Response, next: NextFunction): void {
  const known = knownErrorReply(error);
  if (!known) return next(error);
  const reply = isOpenAiRequest(request.originalUrl ?? request.url) ? toOpenAiErrorReply(known, error) : known;
  response.set(reply.headers).status(reply.status).json(reply.body);
}
