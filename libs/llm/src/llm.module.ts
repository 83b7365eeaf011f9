import { Global, Module } from '@nestjs/common';
import { ModelCatalog } from './model-catalog';

@Global()
@Module({ providers: [ModelCatalog], exports: [ModelCatalog] })
export class LlmModule {}
