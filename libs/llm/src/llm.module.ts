import { Global, Module } from '@nestjs/common';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { LlmRegistry, MISTRAL_PROVIDER, VLLM_PROVIDER } from './llm-registry';
import { ModelCatalog } from './model-catalog';
import { createMistralProvider, createVllmProvider } from './providers';

/** Providers behind tokens (null when not configured), the registry that picks one, the catalogue. */
@Global()
@Module({
  providers: [
    { provide: MISTRAL_PROVIDER, inject: [APP_CONFIG], useFactory: (c: AppConfig) => createMistralProvider(c) },
    { provide: VLLM_PROVIDER, inject: [APP_CONFIG], useFactory: (c: AppConfig) => createVllmProvider(c) },
    LlmRegistry,
    ModelCatalog,
  ],
  exports: [LlmRegistry, ModelCatalog, MISTRAL_PROVIDER, VLLM_PROVIDER],
})
export class LlmModule {}
