import { Inject, Injectable, Logger } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { LlmError, LlmRateLimitedError, LlmTimeoutError, LlmUnavailableError } from '../llm.errors';
import type { ChatMessage, ChatResult, StreamChunk, ToolDefinition } from '../llm.types';
import { ENDPOINT_BREAKERS } from './endpoint-breakers';
import type { EndpointBreakers } from './endpoint-breakers';
import { FailoverStats } from './failover-stats';
import type { ModelRoute, RouteTarget } from './model-route';

/** What is asked of whichever target answers. */
export interface CompletionRequest {
  messages: ChatMessage[];
  temperature: number;
  maxTokens?: number;
  tools?: ToolDefinition[];
}

const RETRY_BASE_MS = 500;

/**
 * Worth another target: the endpoint looked unhealthy (unreachable, 5xx, no
 * first token in time, a broken response) or busy (429). A request the
 * provider refused as such (4xx) would be refused by the next one too.
 */
function movable(reason: unknown): reason is LlmError {
  return reason instanceof LlmError && (reason.retryable || reason instanceof LlmRateLimitedError);
}

/** Counts against the endpoint's breaker; a 429 does not: the endpoint is up, only busy. */
function unhealthy(reason: unknown): boolean {
  return reason instanceof LlmError && reason.retryable;
}

/**
 * An answer in progress: its chunks, and which target produced them. After
 * the first token (or the model's first tool calls) `served` is fixed for
 * good: a failure later ends the answer (its text so far kept by the caller)
 * instead of moving it, because another model would answer from the start
 * and the reader would get two answers stitched together, or a repeat of
 * what they already saw.
 */
export class FailoverStream implements AsyncIterable<StreamChunk> {
  served: RouteTarget | null = null;

  constructor(private readonly run: (stream: FailoverStream) => AsyncGenerator<StreamChunk>) {}

  [Symbol.asyncIterator](): AsyncIterator<StreamChunk> {
    return this.run(this);
  }
}

/**
 * Calls a model through its route: to the first target whose breaker admits
 * it; before the first token, a target that fails in a way another may not
 * (see `movable`) hands the request to the next healthy one, then to the
 * fallback models, within LLM_RETRIES further attempts. Going to a target
 * not tried yet is immediate; coming back to one already tried waits a
 * jittered back-off (full jitter, so instances that failed together do not
 * return together). Every outcome feeds the endpoint's breaker.
 */
@Injectable()
export class FailoverStreamer {
  private readonly logger = new Logger('Failover');

  constructor(
    @Inject(ENDPOINT_BREAKERS) private readonly breakers: EndpointBreakers,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly stats: FailoverStats,
  ) {}

  /** Streams the answer; the first-token and idle timeouts apply to each attempt. `signal` is the caller's (stop, deadline). */
  stream(route: ModelRoute, request: CompletionRequest, signal: AbortSignal): FailoverStream {
    return new FailoverStream((stream) => this.streamAttempts(route, request, signal, stream));
  }

  /** A whole answer at once (titles, memories): the same routing, each attempt bounded by the first-token timeout. */
  async complete(route: ModelRoute, request: CompletionRequest, signal?: AbortSignal): Promise<ChatResult & { served: RouteTarget }> {
    const tried = new Set<RouteTarget>();
    for (let attempt = 0; ; attempt++) {
      const target = await this.next(route, tried, attempt, signal);
      const timeout = AbortSignal.timeout(this.config.llm.firstTokenTimeoutSeconds * 1000);
      const attemptSignal = signal ? AbortSignal.any([signal, timeout]) : timeout;
      try {
        const result = await target.provider.chat({ model: target.model, ...request, signal: attemptSignal });
        await this.breakers.succeeded(target.provider.name);
        return { ...result, served: target };
      } catch (caught) {
        const reason = timeout.aborted && !signal?.aborted ? new LlmTimeoutError('The model did not answer in time') : caught;
        await this.afterFailure(route, target, reason, attempt);
      }
    }
  }

  private async *streamAttempts(
    route: ModelRoute,
    request: CompletionRequest,
    signal: AbortSignal,
    stream: FailoverStream,
  ): AsyncGenerator<StreamChunk> {
    const tried = new Set<RouteTarget>();
    const { firstTokenTimeoutSeconds, idleTimeoutSeconds } = this.config.llm;
    for (let attempt = 0; ; attempt++) {
      const target = await this.next(route, tried, attempt, signal);
      const attemptAbort = new AbortController();
      const onAbort = () => attemptAbort.abort(signal.reason);
      signal.addEventListener('abort', onAbort);
      let watchdog = setTimeout(
        () => attemptAbort.abort(new LlmTimeoutError('The model did not start answering in time')),
        firstTokenTimeoutSeconds * 1000,
      );
      try {
        const chunks = target.provider.stream({ model: target.model, ...request, signal: attemptAbort.signal });
        for await (const chunk of chunks) {
          // Tool calls are the model answering too: running them and then asking another model would mix two answers.
          if (chunk.delta || chunk.toolCalls?.length) {
            clearTimeout(watchdog);
            watchdog = setTimeout(
              () => attemptAbort.abort(new LlmTimeoutError('The model stopped sending in the middle of the answer')),
              idleTimeoutSeconds * 1000,
            );
            if (!stream.served) this.answered(stream, target);
          }
          yield chunk;
        }
        if (attemptAbort.signal.aborted) throw attemptAbort.signal.reason;
        // An empty answer is still an answer from a healthy endpoint.
        if (!stream.served) this.answered(stream, target);
        return;
      } catch (caught) {
        const reason = attemptAbort.signal.aborted ? attemptAbort.signal.reason : caught;
        if (signal.aborted) throw signal.reason; // the caller's stop or deadline: no fault of the endpoint
        if (stream.served) {
          if (unhealthy(reason)) await this.recordFailure(target);
          throw reason;
        }
        await this.afterFailure(route, target, reason, attempt);
      } finally {
        clearTimeout(watchdog);
        signal.removeEventListener('abort', onAbort);
      }
    }
  }

  /** Not awaited: the first token goes out without waiting on the shared breaker (which never throws). */
  private answered(stream: FailoverStream, target: RouteTarget): void {
    stream.served = target;
    void this.breakers.succeeded(target.provider.name);
  }

  /**
   * The first target not tried yet whose breaker admits a call, else the
   * first tried one that does, after a back-off. None admitted: every
   * endpoint is known to be failing, so the request fails at once rather
   * than waiting on a dead server.
   */
  private async next(route: ModelRoute, tried: Set<RouteTarget>, attempt: number, signal?: AbortSignal): Promise<RouteTarget> {
    signal?.throwIfAborted();
    const order = [...route.targets.filter((target) => !tried.has(target)), ...route.targets.filter((target) => tried.has(target))];
    for (const target of order) {
      if (!(await this.breakers.admit(target.provider.name))) continue;
      if (tried.has(target)) {
        await sleep(Math.random() * RETRY_BASE_MS * 2 ** attempt, undefined, { signal }).catch(() => undefined);
        signal?.throwIfAborted();
      }
      tried.add(target);
      return target;
    }
    throw new LlmUnavailableError(`Every endpoint serving "${route.model}" is failing; try again shortly`);
  }

  /** Records the failure, then returns to move on, or throws it. */
  private async afterFailure(route: ModelRoute, target: RouteTarget, reason: unknown, attempt: number): Promise<void> {
    if (unhealthy(reason)) await this.recordFailure(target);
    const alone = route.targets.length === 1;
    // A lone endpoint's 429 goes back to the caller with its Retry-After: retrying it at once would only be refused again.
    if (!movable(reason) || attempt >= this.config.llm.retries || (alone && reason instanceof LlmRateLimitedError)) throw reason;
    this.stats.failedOver(target.provider.name);
    this.logger.warn(
      { endpoint: target.provider.name, model: target.model, attempt: attempt + 1, reason: reason.message },
      'Model call failed before its first token; trying again',
    );
  }

  private async recordFailure(target: RouteTarget): Promise<void> {
    this.stats.failure(target.provider.name);
    await this.breakers.failed(target.provider.name);
  }
}
