import { Controller, Get, Param } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiParam } from '@nestjs/swagger';
import { ApiOpenAiErrors } from '#common';
import { CurrentApiKey } from '#api-keys';
import type { ApiKeyPrincipal } from '#api-keys';
import { AgentModels } from './agent-models';
import { OpenAiModel, OpenAiModelList } from './dto/model.dto';
import { OpenAiCompatible } from './openai-compat.decorators';

@OpenAiCompatible()
@Controller('v1/models')
export class OpenAiModelsController {
  constructor(private readonly models: AgentModels) {}

  @Get()
  @ApiOkResponse({ type: OpenAiModelList, description: "The agents the key's user may use (their catalogue and their own), within the key's agent scope." })
  @ApiOperation({ summary: 'List the agents as models' })
  list(@CurrentApiKey() principal: ApiKeyPrincipal): Promise<OpenAiModelList> {
    return this.models.list(principal);
  }

  @Get(':model')
  @ApiParam({ name: 'model', schema: { type: 'string', pattern: '^agent-[1-9][0-9]*$', example: 'agent-42' } })
  @ApiOkResponse({ type: OpenAiModel })
  @ApiOpenAiErrors({ 404: "No such agent, not usable by the key's user, or outside the key's scope (`model_not_found`)." })
  @ApiOperation({ summary: 'Get an agent as a model' })
  get(@CurrentApiKey() principal: ApiKeyPrincipal, @Param('model') model: string): Promise<OpenAiModel> {
    return this.models.get(principal, model);
  }
}
