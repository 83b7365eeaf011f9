import { Inject, Injectable } from '@nestjs/common';
import type Redis from 'ioredis';
import { ENDPOINT_BREAKERS, LlmRegistry } from '#llm';
import type { BreakerState, EndpointBreakers } from '#llm';
import { JOB_QUEUE } from '#jobs';
import type { JobQueue } from '#jobs';
import { REDIS } from '#redis';
import { DatabaseProbe } from '#database';

export type CheckStatus = 'up' | 'down' | 'disabled';

/** A configured LLM endpoint, its breaker's state and the models it serves. */
export interface LlmEndpointStatus {
  name: string;
  state: BreakerState;
  models: string[];
}

export interface Readiness {
  ready: boolean;
  checks: { database: CheckStatus; redis: CheckStatus; llm: CheckStatus; jobs: CheckStatus };
  llmEndpoints: LlmEndpointStatus[];
  /** What degrades service without deciding readiness, in words for the operator. */
  problems: string[];
}

const CHECK_TIMEOUT_MS = 2000;
// Probes come every few seconds from each orchestrator; the provider is asked at most this often.
const LLM_CHECK_CACHE_MS = 30_000;

async function withTimeout<T>(promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), CHECK_TIMEOUT_MS);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function probe(check: () => Promise<unknown>): Promise<CheckStatus> {
  try {
    await withTimeout(check());
    return 'up';
  } catch {
    return 'down';
  }
}

@Injectable()
export class HealthService {
  constructor(
    private readonly database: DatabaseProbe,
    @Inject(REDIS) private readonly redis: Redis | null,
    private readonly llm: LlmRegistry,
    @Inject(ENDPOINT_BREAKERS) private readonly breakers: EndpointBreakers,
    @Inject(JOB_QUEUE) private readonly jobs: JobQueue,
  ) {}

  private llmCheck?: { status: Promise<CheckStatus>; at: number };

  /**
   * Ready when the database (and Redis, when configured) answer. The LLM
   * providers and the job workers are reported but do not decide it: without
   * them chats, history, agents and documents still work, and taking every
   * instance out of rotation would not bring them back. Neither does an open
   * breaker: the other endpoints still answer, and the breaker is shared.
   */
  async readiness(): Promise<Readiness> {
    const redis = this.redis;
    const [database, redisStatus, llm, jobs, llmEndpoints] = await Promise.all([
      probe(() => this.database.ping()),
      redis ? probe(() => redis.ping()) : Promise.resolve<CheckStatus>('disabled'),
      this.llmStatus(),
      this.jobsStatus(),
      this.llmEndpoints(),
    ]);
    const open = llmEndpoints.filter((endpoint) => endpoint.state === 'open').map((endpoint) => endpoint.name);
    const problems = [
      ...(llm === 'down' ? ['llm: the model provider does not answer'] : []),
      ...(open.length ? [`llm: circuit breaker open for ${open.join(', ')} (skipped until a probe succeeds)`] : []),
      ...(jobs.problem ? [jobs.problem] : []),
    ];
    return {
      ready: database === 'up' && redisStatus !== 'down',
      checks: { database, redis: redisStatus, llm, jobs: jobs.status },
      llmEndpoints,
      problems,
    };
  }

  /** Each endpoint with its breaker's state (never throws: an unreachable Redis reports them closed). */
  private async llmEndpoints(): Promise<LlmEndpointStatus[]> {
    const providers = this.llm.providers();
    const states = await this.breakers.states(providers.map((provider) => provider.name));
    return providers.map((provider) => ({
      name: provider.name,
      state: states[provider.name],
      models: provider.configuredModels().map((model) => model.id),
    }));
  }

  /** Down when jobs wait and no worker takes them (uploads would stay pending forever). */
  private async jobsStatus(): Promise<{ status: CheckStatus; problem?: string }> {
    try {
      const { consumers, waiting } = await withTimeout(this.jobs.status());
      if (consumers > 0 || waiting === 0) return { status: 'up' };
      return { status: 'down', problem: `jobs: no worker consuming, ${waiting} waiting (start apps/worker)` };
    } catch {
      return { status: 'down', problem: 'jobs: the queue does not answer' };
    }
  }

  /** Every configured provider lists its models: up; any fails: down; none configured: disabled. */
  private llmStatus(): Promise<CheckStatus> {
    const providers = this.llm.providers();
    if (providers.length === 0) return Promise.resolve('disabled');
    if (!this.llmCheck || Date.now() - this.llmCheck.at > LLM_CHECK_CACHE_MS) {
      const status = Promise.all(providers.map((provider) => probe(() => provider.listServedModels(AbortSignal.timeout(CHECK_TIMEOUT_MS)))));
      this.llmCheck = { status: status.then((all) => (all.every((one) => one === 'up') ? 'up' : 'down')), at: Date.now() };
    }
    return this.llmCheck.status;
  }
}
