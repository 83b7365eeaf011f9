import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { Request, Response } from 'express';
import { toHttpErrorReply } from './error-mapping';
import { isOpenAiRequest, toOpenAiErrorReply } from './openai-error-reply';
import { loggableUrl } from '../logging/loggable-url';

/**
 * Every error a route throws becomes its HTTP response here, through the one
 * mapping of error-mapping.ts. Anything unexpected is logged with its stack and
 * answered with a bare 500 carrying the request's correlation id, never the internals.
 * Under /v1 (the OpenAI-compatible API) the same reply is rendered in OpenAI's error shape.
 */
@Catch()
export class HttpExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('HttpExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const context = host.switchToHttp();
    const request = context.getRequest<Request & { id?: string }>();
    const response = context.getResponse<Response>();
    const reply = toHttpErrorReply(
      exception,
      (error) => this.logger.error({ err: error, request_id: request.id, method: request.method, url: loggableUrl(request.url) }, 'Unhandled error'),
      request.id ? String(request.id) : undefined,
    );
    if (response.headersSent) return;
    const rendered = isOpenAiRequest(request.originalUrl ?? request.url) ? toOpenAiErrorReply(reply, exception) : reply;
    for (const [name, value] of Object.entries(rendered.headers)) response.setHeader(name, value);
    response.status(rendered.status).json(rendered.body);
  }
}
