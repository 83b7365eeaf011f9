import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '#auth';
import { ApiBodyErrors, ApiErrors, ApiIdParams, ApiQueryErrors, Authenticated, CurrentUser, IdPipe } from '#common';
import { ApiKeyPage, CreatedApiKeyResponse } from './api-key.presenter';
import { ApiKeysService } from './api-keys.service';
import { CreateApiKeyDto, ListApiKeysQuery } from './dto/api-key.dto';

/** My personal API keys, for the OpenAI-compatible routes (/v1): make, list, revoke. */
@ApiTags('api-keys')
@Authenticated()
@Controller('api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeysService) {}

  @Post()
  @ApiCreatedResponse({ type: CreatedApiKeyResponse, description: 'The key (`token`) is shown only here: only its hash is kept.' })
  @ApiOperation({ summary: 'Make a personal API key' })
  @ApiErrors({ 403: 'API keys are disabled by an administrator.' })
  @ApiBodyErrors()
  create(@CurrentUser() user: AuthUser, @Body() body: CreateApiKeyDto): Promise<CreatedApiKeyResponse> {
    return this.keys.create(user, body);
  }

  @Get()
  @ApiOkResponse({ type: ApiKeyPage, description: 'My keys, revoked and expired ones included; never their tokens.' })
  @ApiOperation({ summary: 'List my API keys' })
  @ApiQueryErrors()
  list(@CurrentUser() user: AuthUser, @Query() query: ListApiKeysQuery): Promise<ApiKeyPage> {
    return this.keys.list(user, query);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The key is refused at once, on every instance. It stays listed, as revoked. Revoking twice is fine.' })
  @ApiOperation({ summary: 'Revoke one of my API keys' })
  @ApiErrors({ 404: 'Key missing or not mine.' })
  @ApiIdParams('id')
  revoke(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number): Promise<void> {
    return this.keys.revokeMine(user, id);
  }
}
