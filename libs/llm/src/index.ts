export * from './llm.errors';
export * from './llm.module';
export * from './llm.types';
export * from './llm-registry';
export * from './model-catalog';
export * from './openai-compatible.provider';
export * from './token-counter';
export * from './models/models.module';
