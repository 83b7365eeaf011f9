import { knownErrorReply, toSocketErrorAck } from '#common';
import { LlmNotConfiguredError, LlmRateLimitedError, LlmRequestError, LlmTimeoutError, LlmUnavailableError } from './llm.errors';

describe('LlmErrors through the one error mapping', () => {
  it('a busy provider is 429 with its Retry-After', () => {
    expect(knownErrorReply(new LlmRateLimitedError(7))).toEqual({
      status: 429,
      headers: { 'Retry-After': '7' },
      body: { detail: 'The model is busy (rate limited by the provider); try again shortly' },
    });
    expect(knownErrorReply(new LlmRateLimitedError(0.5))?.headers).toEqual({ 'Retry-After': '1' });
  });

  it.each([
    [new LlmNotConfiguredError('No vision model is configured for images (PIXTRAL_MODEL / PIXTRAL_VLLM_MODEL)')],
    [new LlmUnavailableError()],
    [new LlmUnavailableError('The model provider failed (HTTP 500)')],
    [new LlmRequestError('The model provider rejected our credentials')],
    [new LlmTimeoutError('The model did not start answering in time')],
  ])('%s is 503 with its own words', (error) => {
    expect(knownErrorReply(error)).toEqual({ status: 503, headers: {}, body: { detail: error.message } });
    expect(toSocketErrorAck(error, jest.fn())).toEqual({ ok: false, detail: error.message });
  });

  it('keeps which failures are worth another try', () => {
    expect([new LlmUnavailableError(), new LlmTimeoutError('slow')].every((error) => error.retryable)).toBe(true);
    expect([new LlmRateLimitedError(1), new LlmRequestError(), new LlmNotConfiguredError('none')].some((error) => error.retryable)).toBe(false);
  });
});
