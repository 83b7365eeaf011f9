import { Injectable } from '@nestjs/common';
import { LlmRegistry } from '#llm';
import type { ResolvedModel } from '#llm';
import { embeddingCallTokens, UsageLedger } from '#usage';
import type { SideCall } from '#usage';

const BATCH = 32;

/** Who an embedding is made for: whose budget each provider call counts against, and why. */
export type EmbeddingCaller = Omit<SideCall, 'provider' | 'model'>;

/** The embeddings model the registry resolves (EMBEDDING_PROVIDER's), or none: retrieval is then lexical only. */
@Injectable()
export class EmbeddingService {
  private readonly resolved: ResolvedModel | null;

  constructor(
    registry: LlmRegistry,
    private readonly ledger: UsageLedger,
  ) {
    this.resolved = registry.embeddings();
  }

  /** The model vectors are made with now; stored vectors of another model are not compared with it. */
  get model(): string | null {
    return this.resolved?.model ?? null;
  }

  /** Vectors in the order of `texts`; each provider call (up to 32 texts) is one row of the usage ledger. */
  async embed(texts: string[], caller: EmbeddingCaller, signal?: AbortSignal): Promise<number[][]> {
    if (!this.resolved) throw new Error('No embedding provider is configured');
    const { provider, model } = this.resolved;
    const vectors: number[][] = [];
    for (let start = 0; start < texts.length; start += BATCH) {
      const batch = texts.slice(start, start + BATCH);
      const result = await this.ledger.track(
        { ...caller, provider: provider.name, model },
        () => provider.embed(batch, model, signal),
        ({ usage }) => embeddingCallTokens(batch, usage),
        () => embeddingCallTokens(batch),
      );
      vectors.push(...result.vectors);
    }
    return vectors;
  }
}
