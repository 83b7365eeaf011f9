import { Global, Module } from '@nestjs/common';
import { ChunkIndexer } from './chunk-indexer';
import { EmbeddingService } from './embedding.service';
import { Retriever } from './retriever';
import { VectorIndex } from './vector-index';
import { EmbeddingsSyncJob } from './embeddings-sync.job';

@Global()
@Module({
  providers: [EmbeddingService, VectorIndex, ChunkIndexer, Retriever, EmbeddingsSyncJob],
  exports: [EmbeddingService, VectorIndex, ChunkIndexer, Retriever],
})
export class RetrievalModule {}
