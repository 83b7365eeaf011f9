import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ErrorDetail } from './app.exception';
import { asAppException } from './temporarily-unavailable';

interface ErrorReply {
  status: number;
  detail: ErrorDetail;
  headers?: Record<string, string>;
}

/** Nest's own HttpExceptions carry `message` as a string or a list of strings. */
function fromHttpException(exception: HttpException): ErrorReply {
  const status = exception.getStatus();
  const body = exception.getResponse();
  let detail: string = exception.message;
  if (status === 404) detail = 'Not Found';
  else if (typeof body === 'string') detail = body;
  else if (typeof body === 'object' && body !== null && 'message' in body) {
    const message = (body as { message: unknown }).message;
    detail = Array.isArray(message) ? message.join('; ') : String(message);
  }
  return { status, detail };
}

/**
 * The one place errors become HTTP responses: always `{"detail": ...}`; an
 * unreachable Redis is a 503 that says to retry, wherever it surfaced.
 * Anything unexpected is logged with its stack and answered with a bare 500
 * carrying the request's correlation id, never the internals.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const context = host.switchToHttp();
    const request = context.getRequest<Request & { id?: string }>();
    const response = context.getResponse<Response>();
    const reply = this.toReply(exception, request);
    if (response.headersSent) return;
    for (const [name, value] of Object.entries(reply.headers ?? {})) response.setHeader(name, value);
    response.status(reply.status).json({ detail: reply.detail, ...this.correlation(reply, request) });
  }

  private toReply(exception: unknown, request: Request & { id?: string }): ErrorReply {
    const known = asAppException(exception);
    if (known) return { status: known.statusCode, detail: known.detail, headers: known.headers };
    if (exception instanceof HttpException) return fromHttpException(exception);
    this.logger.error(
      { err: exception, request_id: request.id, method: request.method, url: request.url },
      'Unhandled error',
    );
    return { status: 500, detail: 'Internal server error' };
  }

  private correlation(reply: ErrorReply, request: Request & { id?: string }) {
    return reply.status >= 500 && request.id ? { correlation_id: String(request.id) } : {};
  }
}
