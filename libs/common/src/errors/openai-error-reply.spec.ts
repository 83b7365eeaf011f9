import { ForbiddenError, NotFoundError, TooManyRequestsError, UnauthorizedError, ValidationError } from './domain-error';
import { toHttpErrorReply } from './error-mapping';
import { isOpenAiRequest, toOpenAiErrorReply } from './openai-error-reply';

const render = (error: unknown) => {
  const reply = toHttpErrorReply(error, () => undefined, 'req-9');
  return toOpenAiErrorReply(reply, error);
};

describe('toOpenAiErrorReply (the /v1 rendering of the one error mapping)', () => {
  it('gives each status its OpenAI type and code', () => {
    expect(render(new UnauthorizedError())).toEqual({
      status: 401,
      headers: { 'WWW-Authenticate': 'Bearer' },
      body: { error: { message: 'Could not validate credentials', type: 'authentication_error', code: 'invalid_api_key', param: null } },
    });
    expect(render(new ForbiddenError('No')).body.error).toMatchObject({ type: 'permission_error', code: null });
    expect(render(new NotFoundError('Gone')).body.error).toMatchObject({ type: 'not_found_error', code: null });
    expect(render(new TooManyRequestsError(1.5))).toMatchObject({
      status: 429,
      headers: { 'Retry-After': '2' },
      body: { error: { type: 'rate_limit_error', code: 'rate_limit_exceeded' } },
    });
  });

  it('answers field problems as a 400 naming the first parameter in OpenAI style', () => {
    const reply = render(new ValidationError([
      { loc: ['body', 'messages', 2, 'content', 0, 'image_url', 'url'], msg: 'must be a data: URL' },
      { loc: ['body', 'n'], msg: 'n must be 1' },
    ]));
    expect(reply.status).toBe(400);
    expect(reply.body.error).toEqual({
      message: 'must be a data: URL; n must be 1',
      type: 'invalid_request_error',
      code: null,
      param: 'messages[2].content[0].image_url.url',
    });
  });

  it("takes a domain error's own code and param, and hides internals behind api_error with the correlation id", () => {
    const hinted = Object.assign(new NotFoundError('No model'), { openAiCode: 'model_not_found', openAiParam: 'model' });
    expect(render(hinted).body.error).toEqual({ message: 'No model', type: 'not_found_error', code: 'model_not_found', param: 'model' });
    expect(render(new Error('secret internals'))).toEqual({
      status: 500,
      headers: {},
      body: { error: { message: 'Internal server error (correlation id req-9)', type: 'api_error', code: null, param: null } },
    });
  });

  it('applies to /v1 and its sub-paths only', () => {
    expect(['/v1', '/v1/models', '/v1?x=1', '/v1/chat/completions'].map(isOpenAiRequest)).toEqual([true, true, true, true]);
    expect(['/api/v1', '/v10/models', '/v1x', '/api/models'].map(isOpenAiRequest)).toEqual([false, false, false, false]);
  });
});
