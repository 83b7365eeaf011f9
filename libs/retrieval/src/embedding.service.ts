import { Injectable } from '@nestjs/common';
import { LlmRegistry } from '#llm';
import type { ResolvedModel } from '#llm';

const BATCH = 32;

/** The embeddings model the registry resolves (EMBEDDING_PROVIDER's), or none: retrieval is then lexical only. */
@Injectable()
export class EmbeddingService {
  private readonly resolved: ResolvedModel | null;

  constructor(registry: LlmRegistry) {
    this.resolved = registry.embeddings();
  }

  /** The model vectors are made with now; stored vectors of another model are not compared with it. */
  get model(): string | null {
    return this.resolved?.model ?? null;
  }

  async embed(texts: string[], signal?: AbortSignal): Promise<number[][]> {
    if (!this.resolved) throw new Error('No embedding provider is configured');
    const { provider, model } = this.resolved;
    const vectors: number[][] = [];
    for (let start = 0; start < texts.length; start += BATCH) {
      vectors.push(...(await provider.embed(texts.slice(start, start + BATCH), model, signal)));
    }
    return vectors;
  }
}
