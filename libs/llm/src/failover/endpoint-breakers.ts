/** `closed`: calls go through; `open`: none until the cool-down ends; `half_open`: one probe at a time decides. */
export type BreakerState = 'closed' | 'open' | 'half_open';

/**
 * One circuit breaker per endpoint (LlmProvider.name), with the thresholds of
 * LLM_BREAKER_*. Shared by every instance through Redis when it is configured,
 * so an endpoint one instance found dead is skipped by all; in memory otherwise.
 * Never throws: when its store is unreachable it admits (failing over still works
 * per request) rather than stopping every answer.
 */
export interface EndpointBreakers {
  /**
   * Whether a call may go to the endpoint now: closed yes, open no; once the
   * cool-down has passed, yes for one caller at a time (the probe), across instances.
   */
  admit(endpoint: string): Promise<boolean>;
  /** The endpoint answered (its first token, or a complete non-streamed answer): a probe's success closes it. */
  succeeded(endpoint: string): Promise<void>;
  /** It failed in a way that says it is unhealthy (connection, 5xx, timeout, a cut stream); a probe's failure reopens it. */
  failed(endpoint: string): Promise<void>;
  /** The state of each named endpoint, for /metrics and readiness. */
  states(endpoints: string[]): Promise<Record<string, BreakerState>>;
}

export const ENDPOINT_BREAKERS = Symbol('ENDPOINT_BREAKERS');
