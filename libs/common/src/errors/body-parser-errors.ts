import type { NextFunction, Request, Response } from 'express';

interface BodyParserError extends Error {
  type?: string;
  status?: number;
}

/**
 * Express error middleware for what body-parser rejects before Nest sees the
 * request (malformed JSON, oversized bodies, forms with too many fields), so those answer `{"detail"}` too.
 */
export function bodyParserErrorHandler(
  error: BodyParserError,
  _request: Request,
  response: Response,
  next: NextFunction,
): void {
  if (error.type === 'entity.parse.failed') {
    response.status(400).json({ detail: 'Malformed JSON in request body' });
  } else if (error.type === 'entity.too.large') {
    response.status(413).json({ detail: 'Request body too large' });
  } else if (error.type === 'parameters.too.many') {
    response.status(413).json({ detail: 'Request body has too many form fields' });
  } else if (error.status && error.status >= 400 && error.status < 500) {
    response.status(error.status).json({ detail: error.message });
  } else {
    next(error);
  }
}
