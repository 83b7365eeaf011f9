import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { LlmNotConfiguredError } from './llm.errors';
import { LLM_PROVIDERS } from './llm-providers';
import type { LlmProvider } from './llm.types';
import type { ModelRoute, RouteTarget } from './failover/model-route';

export interface ResolvedModel {
  provider: LlmProvider;
  model: string;
}

export interface RouteOptions {
  /** The prompt carries images: each endpoint's vision model answers instead. */
  withImages?: boolean;
  /** Models to try, in order, once every endpoint of `model` has failed (an agent's fallback_models). */
  fallbacks?: string[];
}

/** Endpoints of one priority in a random order where each comes first with a chance proportional to its weight. */
function shuffleByWeight(targets: RouteTarget[]): RouteTarget[] {
  const left = [...targets];
  const order: RouteTarget[] = [];
  while (left.length > 0) {
    const draw = Math.random() * left.reduce((sum, target) => sum + target.provider.weight, 0);
    // The first target whose cumulative weight passes the draw (the last one if rounding leaves none).
    let cumulative = 0;
    let index = left.findIndex((target) => (cumulative += target.provider.weight) > draw);
    if (index < 0) index = left.length - 1;
    order.push(...left.splice(index, 1));
  }
  return order;
}

/** By priority, lower first; equal priorities shuffled by weight. */
function byPriority(targets: RouteTarget[]): RouteTarget[] {
  const priorities = [...new Set(targets.map((target) => target.provider.priority))].sort((a, b) => a - b);
  return priorities.flatMap((priority) => shuffleByWeight(targets.filter((target) => target.provider.priority === priority)));
}

/**
 * Picks the endpoints for a model among LLM_PROVIDERS (LLM_MODE's, the other
 * built-in one, then LLM_ENDPOINTS, each with its priority and weight): for
 * chat, for images (their vision models), and for embeddings.
 */
@Injectable()
export class LlmRegistry {
  constructor(
    @Inject(LLM_PROVIDERS) private readonly ordered: LlmProvider[],
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  providers(): LlmProvider[] {
    return this.ordered;
  }

  /**
   * Where a request for the chat model `model` may go, in the order to try
   * (see ModelRoute): its endpoints, then its fallbacks' (those not served
   * here are skipped: a fallback is a wish, the model itself a requirement).
   * With images, each endpoint's vision model stands in for its chat model.
   */
  route(model: string, options: RouteOptions = {}): ModelRoute {
    if (this.ordered.length === 0) throw new LlmNotConfiguredError(this.notConfiguredDetail());
    const own = this.targetsFor(model, options.withImages ?? false);
    if (own === null) throw new LlmNotConfiguredError(`The model "${model}" is not served by the configured providers`);
    if (own.length === 0) throw new LlmNotConfiguredError('No vision model is configured for images (PIXTRAL_MODEL / PIXTRAL_VLLM_MODEL)');
    const fallbacks = (options.fallbacks ?? []).filter((fallback) => fallback !== model);
    const targets = [...own, ...fallbacks.flatMap((fallback) => this.targetsFor(fallback, options.withImages ?? false) ?? [])];
    const distinct = targets.filter(
      (target, i) => targets.findIndex((other) => other.provider === target.provider && other.model === target.model) === i,
    );
    return { model, targets: distinct };
  }

  /** The endpoints serving `model` as a chat model (their vision models for images), in order; null when none serves it. */
  private targetsFor(model: string, withImages: boolean): RouteTarget[] | null {
    const serving = this.ordered.filter((provider) =>
      provider.configuredModels().some((info) => info.id === model && info.capabilities.includes('chat')),
    );
    if (serving.length === 0) return null;
    const targets = serving.flatMap((provider): RouteTarget[] => {
      if (!withImages) return [{ provider, model }];
      const vision = provider.configuredModels().find((info) => info.capabilities.includes('vision'));
      return vision ? [{ provider, model: vision.id }] : [];
    });
    return byPriority(targets);
  }

  /** EMBEDDING_PROVIDER's EMBEDDING_MODEL; null when it is `none` or that provider is not configured. */
  embeddings(): ResolvedModel | null {
    const { embeddingProvider, embeddingModel } = this.config.llm;
    const provider = this.ordered.find((candidate) => candidate.name === embeddingProvider);
    const serves = provider
      ?.configuredModels()
      .some((info) => info.id === embeddingModel && info.capabilities.includes('embeddings'));
    return provider && serves ? { provider, model: embeddingModel } : null;
  }

  private notConfiguredDetail(): string {
    return this.config.llm.mode === 'vllm'
      ? 'No LLM provider is configured: set VLLM_API_URL and VLLM_MODEL_NAME (or LLM_ENDPOINTS)'
      : 'No LLM provider is configured: set API_KEY (and API_URL, API_MODEL), or LLM_MODE=vllm with VLLM_API_URL and VLLM_MODEL_NAME, or LLM_ENDPOINTS';
  }
}
