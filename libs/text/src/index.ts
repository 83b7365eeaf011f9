// Pure text functions (no Nest, no database): safe to load in extraction threads.
export * from './token-counter';
export * from './chunker';
