import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsOptional, IsString, MaxLength } from 'class-validator';
import { KeysetPageQuery, PageOf } from '#common';
import { UserResponse } from '../../user.presenter';

export class ListUsersQuery extends KeysetPageQuery(
  { default: 50, maximum: 100 },
  'Cursor: the `next_before` of the previous page (the id of the last user seen).',
) {
  @ApiPropertyOptional({ description: 'Part of an email or trigramme.' })
  @IsOptional()
  @IsString()
  @MaxLength(254)
  q?: string;
}

export class UpdateUserDto {
  @ApiPropertyOptional() @IsOptional() @IsBoolean() is_active?: boolean;
  @ApiPropertyOptional() @IsOptional() @IsBoolean() is_admin?: boolean;
}

export class UserPage extends PageOf(UserResponse, 'Newest first.') {}

export class RevokedSessionsResponse {
  @ApiProperty({ type: 'integer', description: 'Sessions revoked.' }) revoked!: number;
}
