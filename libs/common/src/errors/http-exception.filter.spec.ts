import { ArgumentsHost, BadRequestException, Logger } from '@nestjs/common';
import { ConflictError, TooManyRequestsError } from './domain-error';
import { HttpExceptionFilter } from './http-exception.filter';

function run(exception: unknown) {
  const reply = { status: 0, body: undefined as unknown, headers: {} as Record<string, string> };
  const response = {
    headersSent: false,
    setHeader: (name: string, value: string) => (reply.headers[name] = value),
    status(code: number) {
      reply.status = code;
      return this;
    },
    json: (body: unknown) => (reply.body = body),
  };
  const host = {
    getType: () => 'http',
    switchToHttp: () => ({ getRequest: () => ({ id: 'req-1', method: 'GET', url: '/x' }), getResponse: () => response }),
  } as unknown as ArgumentsHost;
  new HttpExceptionFilter().catch(exception, host);
  return reply;
}

describe('HttpExceptionFilter', () => {
  beforeAll(() => jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined));

  it('maps domain errors to their status, detail and headers', () => {
    expect(run(new ConflictError('Email already registered'))).toMatchObject({
      status: 409,
      body: { detail: 'Email already registered' },
    });
    expect(run(new TooManyRequestsError(2.2))).toMatchObject({ status: 429, headers: { 'Retry-After': '3' } });
  });

  it('maps Nest HTTP exceptions to a detail string', () => {
    expect(run(new BadRequestException('Bad thing'))).toEqual({ status: 400, body: { detail: 'Bad thing' }, headers: {} });
  });

  it('answers an unreachable Redis with a 503 that says to retry, wherever it surfaced', () => {
    const reply = run(Object.assign(new Error('Reached the max retries per request limit'), { name: 'MaxRetriesPerRequestError' }));
    expect(reply).toEqual({
      status: 503,
      body: { detail: 'Service temporarily unavailable, try again in a few seconds', correlation_id: 'req-1' },
      headers: { 'Retry-After': '5' },
    });
  });

  it('answers a drained database pool (an overload) with the same 503, not a 500', () => {
    const reply = run(new Error('timeout exceeded when trying to connect'));
    expect(reply).toMatchObject({ status: 503, headers: { 'Retry-After': '5' } });
  });

  it('hides unknown errors behind a 500 with a correlation id', () => {
    const reply = run(new Error('password=hunter2 at db.internal:5432'));
    expect(reply).toEqual({
      status: 500,
      body: { detail: 'Internal server error', correlation_id: 'req-1' },
      headers: {},
    });
  });
});
