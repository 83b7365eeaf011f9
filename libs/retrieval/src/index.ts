export * from './chunk-indexer';
export * from './embedding.service';
export * from './retrieval.module';
export * from './retriever';
export * from './vector-index';
export * from './vector-scoring';
export * from './dto/search.dto';
export * from './embeddings-sync.job';
