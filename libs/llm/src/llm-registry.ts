import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { LlmNotConfiguredError } from './llm.errors';
import type { LlmProvider } from './llm.types';

export const MISTRAL_PROVIDER = Symbol('MISTRAL_PROVIDER');
export const VLLM_PROVIDER = Symbol('VLLM_PROVIDER');

export interface ResolvedModel {
  provider: LlmProvider;
  model: string;
}

/** Picks the provider for a model: the one LLM_MODE names first, then any other configured. */
@Injectable()
export class LlmRegistry {
  private readonly ordered: LlmProvider[];

  constructor(
    @Inject(MISTRAL_PROVIDER) mistral: LlmProvider | null,
    @Inject(VLLM_PROVIDER) vllm: LlmProvider | null,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    const all = config.llm.mode === 'vllm' ? [vllm, mistral] : [mistral, vllm];
    this.ordered = all.filter((provider): provider is LlmProvider => provider !== null);
  }

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

  private notConfiguredDetail(): string {
    return this.config.llm.mode === 'vllm'
      ? 'No LLM provider is configured: set VLLM_API_URL and VLLM_MODEL_NAME'
      : 'No LLM provider is configured: set API_KEY (and API_URL, API_MODEL), or LLM_MODE=vllm with VLLM_API_URL and VLLM_MODEL_NAME';
  }
}
