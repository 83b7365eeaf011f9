import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '#common';
import { API_KEY_ACCESSES } from '#database';
import type { ApiKey, ApiKeyAccess, ApiKeySummary } from '#database';

/** A key as listed: never its token nor the token's hash. */
export class ApiKeyResponse {
  @ApiProperty({ type: 'integer' }) id!: number;
  @ApiProperty() name!: string;
  @ApiProperty({ example: 'fgk_3q2x7wJ0', description: "The token's first characters, to tell keys apart." }) prefix!: string;
  @ApiProperty({ type: 'integer', isArray: true, nullable: true, description: 'The agents the key may use; null: every agent its user may use.' })
  agent_ids!: number[] | null;
  @ApiProperty({ enum: API_KEY_ACCESSES, enumName: 'ApiKeyAccess' }) access!: ApiKeyAccess;
  @ApiProperty() created_at!: Date;
  @ApiProperty({ nullable: true, type: Date }) expires_at!: Date | null;
  @ApiProperty({ nullable: true, type: Date, description: 'Updated at most once a minute.' }) last_used_at!: Date | null;
  @ApiProperty({ nullable: true, type: Date }) revoked_at!: Date | null;
}

export class CreatedApiKeyResponse extends ApiKeyResponse {
  @ApiProperty({ example: 'fgk_3q2x7wJ0y1dXq9tq0m3a5l3oQk2W9o8oXcJQw1S1b3E', description: 'The key. Shown this once: only its hash is kept.' })
  token!: string;
}

export class ApiKeyPage extends PageOf(ApiKeyResponse, 'Newest first.') {}

/** A key as admins list it: whose it is too. */
export class AdminApiKeyResponse extends ApiKeyResponse {
  @ApiProperty({ type: 'integer' }) user_id!: number;
  @ApiProperty() user_email!: string;
}

export class AdminApiKeyPage extends PageOf(AdminApiKeyResponse, 'Newest first.') {}

export class ApiKeySettingsResponse {
  @ApiProperty({ description: 'Whether personal API keys can be made and used (default: true).' }) enabled!: boolean;
}

export function presentApiKey(key: ApiKey | ApiKeySummary): ApiKeyResponse {
  const { id, name, prefix, agent_ids, access, created_at, expires_at, last_used_at, revoked_at } = key;
  return { id, name, prefix, agent_ids, access, created_at, expires_at, last_used_at, revoked_at };
}

export function presentAdminApiKey(key: ApiKeySummary): AdminApiKeyResponse {
  return { ...presentApiKey(key), user_id: key.user_id, user_email: key.user_email };
}
