import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { LlmNotConfiguredError } from './llm.errors';
import { LLM_PROVIDERS } from './llm-providers';
import type { LlmProvider } from './llm.types';

export interface ResolvedModel {
  provider: LlmProvider;
  model: string;
}

/**
 * Picks the provider for a model among LLM_PROVIDERS, first listed first (LLM_MODE's, the other
 * built-in one, then LLM_ENDPOINTS): for chat, for images (its vision model), and for embeddings.
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

  /** The provider serving `model` as a chat model (or its vision model when images are sent). */
  resolve(model: string, withImages = false): ResolvedModel {
    if (this.ordered.length === 0) throw new LlmNotConfiguredError(this.notConfiguredDetail());
    const provider = this.ordered.find((candidate) =>
      candidate.configuredModels().some((info) => info.id === model && info.capabilities.includes('chat')),
    );
    if (!provider) {
      throw new LlmNotConfiguredError(`The model "${model}" is not served by the configured providers`);
    }
    if (!withImages) return { provider, model };
    const vision = provider.configuredModels().find((info) => info.capabilities.includes('vision'));
    if (!vision) throw new LlmNotConfiguredError('No vision model is configured for images (PIXTRAL_MODEL / PIXTRAL_VLLM_MODEL)');
    return { provider, model: vision.id };
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
