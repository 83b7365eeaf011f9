import { Body, Controller, Delete, Get, HttpCode, Param, Put, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { AuthUser } from '#auth';
import { ApiBodyErrors, ApiErrors, ApiIdParams, ApiQueryErrors, Authenticated, CurrentUser, IdPipe } from '#common';
import { AdminApiKeyPage, ApiKeySettingsResponse } from './api-key.presenter';
import { ApiKeySettings } from './api-key-settings';
import { ApiKeysService } from './api-keys.service';
import { ApiKeySettingsDto, ListAllApiKeysQuery } from './dto/api-key.dto';

/** Every user's API keys, and the switch that turns the feature off. */
@ApiTags('admin')
@Authenticated({ admin: true })
@Controller('admin/api-keys')
export class AdminApiKeysController {
  constructor(
    private readonly keys: ApiKeysService,
    private readonly settings: ApiKeySettings,
  ) {}

  @Get()
  @ApiOkResponse({ type: AdminApiKeyPage, description: "Every user's keys (or one user's), revoked ones included; never their tokens." })
  @ApiOperation({ summary: 'List API keys' })
  @ApiQueryErrors()
  list(@Query() query: ListAllApiKeysQuery): Promise<AdminApiKeyPage> {
    return this.keys.listAll(query);
  }

  @Get('settings')
  @ApiOkResponse({ type: ApiKeySettingsResponse })
  @ApiOperation({ summary: 'Get the API keys setting' })
  async getSettings(): Promise<ApiKeySettingsResponse> {
    return { enabled: await this.settings.enabled() };
  }

  @Put('settings')
  @ApiOkResponse({ type: ApiKeySettingsResponse, description: 'Takes effect at once on every instance.' })
  @ApiOperation({ summary: 'Turn personal API keys on or off' })
  @ApiBodyErrors()
  setSettings(@CurrentUser() admin: AuthUser, @Body() body: ApiKeySettingsDto): Promise<ApiKeySettingsResponse> {
    return this.settings.setEnabled(admin, body.enabled);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The key is refused at once, on every instance. Revoking twice is fine.' })
  @ApiOperation({ summary: "Revoke anyone's API key" })
  @ApiErrors(404)
  @ApiIdParams('id')
  revoke(@CurrentUser() admin: AuthUser, @Param('id', IdPipe) id: number): Promise<void> {
    return this.keys.revokeAny(admin, id);
  }
}
