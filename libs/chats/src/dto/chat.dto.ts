import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Length, MaxLength } from 'class-validator';
import { IsInt4, KeysetPageQuery, Optional } from '#common';

const trim = Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

export class CreateChatDto {
  @ApiProperty({ type: 'integer', example: 1 })
  @IsInt4()
  agent_id!: number;

  @ApiPropertyOptional({ example: 'Quarterly report questions', description: 'Default: "New chat".' })
  @Optional()
  @trim
  @IsString()
  @Length(1, 200)
  title?: string;
}

export class UpdateChatDto {
  @ApiProperty({ example: 'Budget 2027' })
  @trim
  @IsString()
  @Length(1, 200)
  title!: string;
}

export class ListChatsQuery extends KeysetPageQuery(
  { default: 20, maximum: 100 },
  'Cursor: the `next_before` of the previous page (a chat id).',
) {
  @ApiPropertyOptional({ description: 'Part of the title.' })
  @Optional()
  @IsString()
  @MaxLength(200)
  q?: string;
}
