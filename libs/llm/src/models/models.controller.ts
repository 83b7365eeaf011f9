import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ModelCatalog } from '../model-catalog';
import type { ModelInfo } from '../llm.types';
import { Authenticated } from '#common';

class ModelEntry {
  @ApiProperty({ example: 'mistral-small-latest' }) id!: string;
  @ApiProperty({ example: 'mistral', description: '`mistral`, `vllm`, or the name of an LLM_ENDPOINTS endpoint.' }) provider!: string;
  @ApiProperty({ example: ['chat'], isArray: true, enum: ['chat', 'vision', 'embeddings'] }) capabilities!: string[];
  @ApiProperty({ description: "Listed by the provider's own /models." }) served!: boolean;
}

class ModelList {
  @ApiProperty({ nullable: true, type: String, description: 'What a new agent uses by default.' }) default_model!: string | null;
  @ApiProperty({ type: [ModelEntry] }) models!: ModelInfo[];
}

@ApiTags('models')
@Authenticated()
@Controller('models')
export class ModelsController {
  constructor(private readonly catalog: ModelCatalog) {}

  @Get()
  @ApiOkResponse({ type: ModelList })
  @ApiOperation({ summary: 'List the chat models' })
  async list(): Promise<ModelList> {
    return { default_model: this.catalog.defaultChatModel() ?? null, models: await this.catalog.list() };
  }
}
