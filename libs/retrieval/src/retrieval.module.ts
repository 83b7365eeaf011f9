import { Module } from '@nestjs/common';
import { LlmModule } from '#llm';
import { UsageModule } from '#usage';
import { ChunkIndexer } from './chunk-indexer';
import { EmbeddingService } from './embedding.service';
import { EmbeddingsSyncJob } from './embeddings-sync.job';
import { Retriever } from './retriever';
import { VectorIndex } from './vector-index';

/** Chunk indexing, embeddings and hybrid search; queries go through the repositories of the global DatabaseModule. */
@Module({
  imports: [LlmModule, UsageModule],
  providers: [EmbeddingService, VectorIndex, ChunkIndexer, Retriever, EmbeddingsSyncJob],
  exports: [EmbeddingService, VectorIndex, ChunkIndexer, Retriever],
})
export class RetrievalModule {}
