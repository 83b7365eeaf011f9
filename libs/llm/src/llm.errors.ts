/** Provider failures, in words fit for users; never the upstream body or a key. */
export class LlmError extends Error {
  /** Worth another try before the first token (connection refused, 5xx, timeouts). */
  readonly retryable: boolean = false;
}

export class LlmRateLimitedError extends LlmError {
  constructor(readonly retryAfterSeconds: number) {
    super('The model is busy (rate limited by the provider); try again shortly');
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
