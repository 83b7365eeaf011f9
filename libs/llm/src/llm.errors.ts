import { DomainError } from '#common';
import type { ErrorCode } from '#common';

/** Provider failures, in words fit for users; never the upstream body or a key. Where one fails a request, the model is unavailable (503). */
export class LlmError extends DomainError {
  /** Worth another try before the first token (connection refused, 5xx, timeouts). */
  readonly retryable: boolean = false;

  constructor(detail: string, code: ErrorCode = 'unavailable', retryAfterSeconds?: number) {
    super(code, detail, retryAfterSeconds);
  }
}

export class LlmRateLimitedError extends LlmError {
  declare readonly retryAfterSeconds: number;

  constructor(retryAfterSeconds: number) {
    super('The model is busy (rate limited by the provider); try again shortly', 'rate_limited', retryAfterSeconds);
  }
}

export class LlmUnavailableError extends LlmError {
  override readonly retryable = true;
  constructor(detail = 'The model provider is unreachable or failing') {
    super(detail);
  }
}

export class LlmRequestError extends LlmError {
  constructor(detail = 'The model provider rejected the request') {
    super(detail);
  }
}

export class LlmTimeoutError extends LlmError {
  override readonly retryable = true;
  constructor(detail: string) {
    super(detail);
  }
}

export class LlmNotConfiguredError extends LlmError {
  constructor(detail: string) {
    super(detail);
  }
}
