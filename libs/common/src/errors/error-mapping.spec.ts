import { BadRequestException, ForbiddenException, NotFoundException, PayloadTooLargeException } from '@nestjs/common';
import {
  BadRequestError,
  ConflictError,
  DomainError,
  ForbiddenError,
  NotFoundError,
  PayloadTooLargeError,
  ServiceUnavailableError,
  TooManyRequestsError,
  UnauthorizedError,
  UnsupportedMediaTypeError,
  ValidationError,
} from './domain-error';
import { knownErrorReply, toHttpErrorReply, toSocketErrorAck, toSocketRefusal } from './error-mapping';
import { TemporarilyUnavailableError } from './temporarily-unavailable';

const problems = [{ loc: ['body', 'email'], msg: 'email must be an email' }];
const redisDown = () => Object.assign(new Error('Reached the max retries per request limit'), { name: 'MaxRetriesPerRequestError' });
const poolDrained = () => new Error('timeout exceeded when trying to connect');
/** What body-parser hands to the error middleware (http-errors: status, expose, type). */
const bodyParserError = (status: number, type: string, message: string) =>
  Object.assign(new Error(message), { status, statusCode: status, expose: status < 500, type });

describe('error mapping', () => {
  describe('each domain code over HTTP', () => {
    it.each<[string, DomainError, number, Record<string, string>, unknown]>([
      ['bad_request', new BadRequestError('Bad thing'), 400, {}, 'Bad thing'],
      ['unauthorized', new UnauthorizedError(), 401, { 'WWW-Authenticate': 'Bearer' }, 'Could not validate credentials'],
      ['forbidden', new ForbiddenError('Only the owner'), 403, {}, 'Only the owner'],
      ['not_found', new NotFoundError('Chat not found'), 404, {}, 'Chat not found'],
      ['conflict', new ConflictError('Email already registered'), 409, {}, 'Email already registered'],
      ['payload_too_large', new PayloadTooLargeError('Storage quota exceeded'), 413, {}, 'Storage quota exceeded'],
      ['unsupported_media_type', new UnsupportedMediaTypeError('Send JSON encoded in UTF-8'), 415, {}, 'Send JSON encoded in UTF-8'],
      ['validation', new ValidationError(problems), 422, {}, problems],
      ['rate_limited', new TooManyRequestsError(2.2, 'Slow down'), 429, { 'Retry-After': '3' }, 'Slow down'],
      ['unavailable', new ServiceUnavailableError('No model configured'), 503, {}, 'No model configured'],
    ])('%s', (code, error, status, headers, detail) => {
      expect(error.code).toBe(code);
      expect(knownErrorReply(error)).toEqual({ status, headers, body: { detail } });
    });

    it('keeps each class its name, its default detail and instanceof', () => {
      const error = new NotFoundError();
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error).toBeInstanceOf(DomainError);
      expect(error).not.toBeInstanceOf(ConflictError);
      expect([error.name, error.message, error.detail]).toEqual(['NotFoundError', 'Resource not found', 'Resource not found']);
    });

    it('rounds Retry-After up to whole seconds, at least one', () => {
      expect(knownErrorReply(new TooManyRequestsError(0.2))?.headers).toEqual({ 'Retry-After': '1' });
      expect(knownErrorReply(new TooManyRequestsError(59.01))?.headers).toEqual({ 'Retry-After': '60' });
      expect(knownErrorReply(new ServiceUnavailableError('Busy', 5))).toEqual({
        status: 503,
        headers: { 'Retry-After': '5' },
        body: { detail: 'Busy' },
      });
    });
  });

  describe('shared services down', () => {
    it.each([
      ['an unreachable Redis', redisDown()],
      ['a drained database pool', poolDrained()],
      ['the error itself', new TemporarilyUnavailableError()],
    ])('answers %s with a 503 that says when to retry', (_name, error) => {
      expect(knownErrorReply(error)).toEqual({
        status: 503,
        headers: { 'Retry-After': '5' },
        body: { detail: 'Service temporarily unavailable, try again in a few seconds' },
      });
    });
  });

  describe("Nest's HttpExceptions", () => {
    it('keep their status; the message becomes the detail', () => {
      expect(knownErrorReply(new BadRequestException('Bad thing'))).toEqual({ status: 400, headers: {}, body: { detail: 'Bad thing' } });
      expect(knownErrorReply(new ForbiddenException())).toMatchObject({ status: 403, body: { detail: 'Forbidden' } });
      expect(knownErrorReply(new PayloadTooLargeException('File too large'))).toMatchObject({ status: 413, body: { detail: 'File too large' } });
    });

    it('join a list of messages, and answer every 404 the same way', () => {
      expect(knownErrorReply(new BadRequestException(['a is wrong', 'b is wrong']))?.body).toEqual({ detail: 'a is wrong; b is wrong' });
      expect(knownErrorReply(new NotFoundException('Cannot GET /api/secret'))?.body).toEqual({ detail: 'Not Found' });
    });
  });

  describe("body-parser's refusals", () => {
    it.each([
      [bodyParserError(400, 'entity.parse.failed', 'Unexpected token } in JSON'), 400, 'Malformed JSON in request body'],
      [bodyParserError(413, 'entity.too.large', 'request entity too large'), 413, 'Request body too large'],
      [bodyParserError(413, 'parameters.too.many', 'too many parameters'), 413, 'Request body has too many form fields'],
      [bodyParserError(415, 'charset.unsupported', 'unsupported charset "X"'), 415, 'unsupported charset "X"'],
    ])('%#: answers its status with a detail', (error, status, detail) => {
      expect(knownErrorReply(error)).toEqual({ status, headers: {}, body: { detail } });
    });

    it('maps a domain error thrown by a verify function by its code, not the 403 body-parser stamps on it', () => {
      const refused = Object.assign(new PayloadTooLargeError('Request body is nested deeper than 2 levels'), {
        status: 403,
        expose: true,
        type: 'entity.verify.failed',
      });
      expect(knownErrorReply(refused)).toMatchObject({ status: 413, body: { detail: 'Request body is nested deeper than 2 levels' } });
    });

    it('does not trust a status on an error that is not marked for the client', () => {
      expect(knownErrorReply(Object.assign(new Error('upstream said: key sk-123 invalid'), { status: 401 }))).toBeUndefined();
      expect(knownErrorReply(bodyParserError(500, 'stream.encoding.set', 'stream encoding should not be set'))).toBeUndefined();
    });
  });

  describe('unknown errors', () => {
    it('answer a bare 500 over HTTP, with the correlation id, and are reported once', () => {
      const onUnexpected = jest.fn();
      const error = new Error('password=hunter2 at db.internal:5432');
      expect(toHttpErrorReply(error, onUnexpected, 'req-1')).toEqual({
        status: 500,
        headers: {},
        body: { detail: 'Internal server error', correlation_id: 'req-1' },
      });
      expect(onUnexpected).toHaveBeenCalledTimes(1);
      expect(onUnexpected).toHaveBeenCalledWith(error);
    });

    it.each([['a string'], [undefined], [null], [{ status: 400, message: 'not an Error' }]])('hide %p too', (thrown) => {
      expect(toHttpErrorReply(thrown, jest.fn())).toEqual({ status: 500, headers: {}, body: { detail: 'Internal server error' } });
    });

    it('give a correlation id to every 5xx, never to a 4xx, and never report known errors', () => {
      const onUnexpected = jest.fn();
      expect(toHttpErrorReply(redisDown(), onUnexpected, 'req-2').body).toEqual({
        detail: 'Service temporarily unavailable, try again in a few seconds',
        correlation_id: 'req-2',
      });
      expect(toHttpErrorReply(new NotFoundError('Chat not found'), onUnexpected, 'req-3').body).toEqual({ detail: 'Chat not found' });
      expect(onUnexpected).not.toHaveBeenCalled();
    });
  });

  describe('socket acks', () => {
    it.each<[unknown, unknown, object?]>([
      [new NotFoundError('Chat not found'), 'Chat not found'],
      [new ValidationError(problems), problems],
      [new TooManyRequestsError(2.5, 'Too many answers in progress; wait for one to finish'), 'Too many answers in progress; wait for one to finish', { retry_after: 3 }],
      [new BadRequestError('chat_id must be a positive integer'), 'chat_id must be a positive integer'],
      [redisDown(), 'Service temporarily unavailable, try again in a few seconds', { retry_after: 5 }],
      [new BadRequestException('Bad thing'), 'Bad thing'],
    ])('%#: carry the detail HTTP would answer, and its Retry-After', (error, detail, retry = {}) => {
      const onUnexpected = jest.fn();
      expect(toSocketErrorAck(error, onUnexpected)).toEqual({ ok: false, detail, ...retry });
      expect(onUnexpected).not.toHaveBeenCalled();
    });

    it('answer an unknown error without its message, and report it', () => {
      const onUnexpected = jest.fn();
      expect(toSocketErrorAck(new Error('secret internals'), onUnexpected)).toEqual({ ok: false, detail: 'Internal server error' });
      expect(onUnexpected).toHaveBeenCalledTimes(1);
    });
  });

  describe('socket handshake refusals', () => {
    it('carry the detail, and the HTTP status in data', () => {
      const refusal = toSocketRefusal(new UnauthorizedError('Invalid, expired or revoked token'), jest.fn());
      expect(refusal.message).toBe('Invalid, expired or revoked token');
      expect(refusal.data).toEqual({ status: 401 });
      expect(toSocketRefusal(new TooManyRequestsError(60, 'Too many open connections'), jest.fn()).data).toEqual({ status: 429 });
    });

    it('hide an unknown failure behind "Authentication failed", and report it', () => {
      const onUnexpected = jest.fn();
      const refusal = toSocketRefusal(new Error('jwt secret missing'), onUnexpected);
      expect(refusal.message).toBe('Authentication failed');
      expect(refusal.data).toBeUndefined();
      expect(onUnexpected).toHaveBeenCalledTimes(1);
    });
  });
});
