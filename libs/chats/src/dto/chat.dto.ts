import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsInt, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import { IsInt4, Optional } from '#common';

const trim = Transform(({ value }) => (typeof value === 'string' ? value.trim() : value));

export class CreateChatDto {
  @ApiProperty({ example: 1 })
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

export class ListChatsQuery {
  @ApiPropertyOptional({ default: 20, minimum: 1, maximum: 100 })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100)
  limit = 20;

  @ApiPropertyOptional({ description: 'Cursor: the `next_before` of the previous page (a chat id).' })
  @Optional()
  @Type(() => Number)
  @IsInt4()
  before?: number;

  @ApiPropertyOptional({ description: 'Part of the title.' })
  @Optional()
  @IsString()
  @MaxLength(200)
  q?: string;
}
