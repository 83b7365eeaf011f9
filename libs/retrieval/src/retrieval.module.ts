import { Global, Module } from '@nestjs/common';
import { ChunkIndexer } from './chunk-indexer';
import { EmbeddingService } from './embedding.service';
import { Retriever } from './retriever';

@Global()
@Module({ providers: [EmbeddingService, ChunkIndexer, Retriever], exports: [EmbeddingService, ChunkIndexer, Retriever] })
export class RetrievalModule {}
