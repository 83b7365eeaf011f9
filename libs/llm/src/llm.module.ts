import { Module } from '@nestjs/common';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { LlmRegistry } from './llm-registry';
import { createLlmProviders, LLM_PROVIDERS } from './llm-providers';
import { ModelCatalog } from './model-catalog';
import { ModelsController } from './models/models.controller';

/** Every configured endpoint behind LLM_PROVIDERS, the registry that picks one per model, the catalogue (GET /api/models). */
@Module({
  controllers: [ModelsController],
  providers: [
    { provide: LLM_PROVIDERS, inject: [APP_CONFIG], useFactory: (config: AppConfig) => createLlmProviders(config) },
    LlmRegistry,
    ModelCatalog,
  ],
  exports: [LlmRegistry, ModelCatalog, LLM_PROVIDERS],
})
export class LlmModule {}
