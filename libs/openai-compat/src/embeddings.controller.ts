import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import { ApiOpenAiErrors } from '#common';
import { CurrentApiKey } from '#api-keys';
import type { ApiKeyPrincipal } from '#api-keys';
import { EmbeddingList, EmbeddingRequest } from './dto/embedding.dto';
import { EmbeddingsService } from './embeddings.service';
import { OpenAiCompatible } from './openai-compat.decorators';

@OpenAiCompatible()
@Controller('v1/embeddings')
export class EmbeddingsController {
  constructor(private readonly embeddings: EmbeddingsService) {}

  @Post()
  @HttpCode(200)
  @ApiOkResponse({ type: EmbeddingList })
  @ApiOpenAiErrors(400, 413, { 404: 'No embedding model is configured, or `model` is not it (`model_not_found`).' })
  @ApiOperation({ summary: 'Embed texts' })
  create(@CurrentApiKey() principal: ApiKeyPrincipal, @Body() body: EmbeddingRequest): Promise<EmbeddingList> {
    return this.embeddings.create(principal, body);
  }
}
