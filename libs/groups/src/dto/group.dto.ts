import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString, Length, MaxLength } from 'class-validator';
import { KeysetPageQuery, Optional } from '#common';

const trim = Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

export class CreateGroupDto {
  @ApiProperty({ example: 'Finance', minLength: 1, maxLength: 100, description: 'Unique regardless of case.' })
  @trim
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiPropertyOptional({ example: 'The finance team', maxLength: 2000, default: '' })
  @Optional()
  @IsString()
  @MaxLength(2000)
  description?: string;
}

/** Rename, or change the description: only what is sent changes. */
export class UpdateGroupDto {
  @ApiPropertyOptional({ example: 'Finance and control', minLength: 1, maxLength: 100, description: 'Unique regardless of case.' })
  @Optional()
  @trim
  @IsString()
  @Length(1, 100)
  name?: string;

  @ApiPropertyOptional({ maxLength: 2000 })
  @Optional()
  @IsString()
  @MaxLength(2000)
  description?: string;
}

export class ListGroupsQuery extends KeysetPageQuery(
  { default: 50, maximum: 100 },
  'Cursor: the `next_before` of the previous page (the id of the last group seen).',
) {
  @ApiPropertyOptional({ description: 'Part of the name, in any case.' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  q?: string;
}

export class ListGroupMembersQuery extends KeysetPageQuery(
  { default: 50, maximum: 200 },
  'Cursor: the `next_before` of the previous page (the user id of the last member seen).',
) {}
