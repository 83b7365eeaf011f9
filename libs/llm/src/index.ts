export * from './llm.module';
export * from './model-catalog';
