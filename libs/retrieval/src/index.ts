export * from './chunk-indexer';
export * from './chunker';
export * from './embedding.service';
export * from './retrieval.module';
export * from './retriever';
export * from './text-search';
export * from './vector-index';
