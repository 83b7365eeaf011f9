import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { MISTRAL_PROVIDER, VLLM_PROVIDER } from '#llm';
import type { LlmProvider } from '#llm';

const BATCH = 32;

/** EMBEDDING_PROVIDER's model, or none: retrieval is then lexical only. */
@Injectable()
export class EmbeddingService {
  private readonly provider: LlmProvider | null;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MISTRAL_PROVIDER) mistral: LlmProvider | null,
    @Inject(VLLM_PROVIDER) vllm: LlmProvider | null,
  ) {
    const choice = config.llm.embeddingProvider;
    this.provider = choice === 'mistral' ? mistral : choice === 'vllm' ? vllm : null;
  }

  /** The model vectors are made with now; stored vectors of another model are not compared with it. */
  get model(): string | null {
    return this.provider ? this.config.llm.embeddingModel : null;
  }

  async embed(texts: string[], signal?: AbortSignal): Promise<number[][]> {
    if (!this.provider || !this.model) throw new Error('No embedding provider is configured');
    const vectors: number[][] = [];
    for (let start = 0; start < texts.length; start += BATCH) {
      vectors.push(...(await this.provider.embed(texts.slice(start, start + BATCH), this.model, signal)));
    }
    return vectors;
  }
}
