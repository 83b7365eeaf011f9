export * from './llm.errors';
export * from './llm.module';
export * from './llm.types';
export * from './llm-providers';
export * from './llm-registry';
export * from './model-catalog';
export * from './openai-compatible.provider';
export * from './failover';
