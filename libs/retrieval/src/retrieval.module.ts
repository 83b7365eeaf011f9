import { Global, Module } from '@nestjs/common';
import { ChunkIndexer } from './chunk-indexer';
import { EmbeddingService } from './embedding.service';
import { Retriever } from './retriever';
import { VectorIndex } from './vector-index';

@Global()
@Module({
  providers: [EmbeddingService, VectorIndex, ChunkIndexer, Retriever],
  exports: [EmbeddingService, VectorIndex, ChunkIndexer, Retriever],
})
export class RetrievalModule {}
