import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsBoolean, IsInt, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { IsInt4, Optional } from '#common';
import { MessageResponse } from '../message.presenter';

export class SendMessageDto {
  @ApiProperty({ example: 1 })
  @IsInt4()
  chat_id!: number;

  @ApiProperty({ example: 'Summarise the attached report in three points.', description: 'Up to MESSAGE_MAX_CHARS.' })
  @IsString()
  @MinLength(1)
  @MaxLength(1_000_000)
  content!: string;

  @ApiPropertyOptional({ type: [Number], description: "Documents of this chat or its agent; images go to the vision model." })
  @Optional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsInt4(1, { each: true })
  document_ids?: number[];

  @ApiPropertyOptional({ default: true, description: 'false: answer once the assistant message is final.' })
  @Optional()
  @IsBoolean()
  stream?: boolean;
}

export class SendMessageResponse {
  @ApiProperty({ type: MessageResponse }) user_message!: MessageResponse;
  @ApiProperty({ type: MessageResponse }) assistant_message!: MessageResponse;
}

export class ListMessagesQuery {
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit = 50;

  @ApiPropertyOptional({ description: 'Messages older than this id (`next_before` of the previous page).' })
  @Optional()
  @Type(() => Number)
  @IsInt4()
  before?: number;
}

export class MessagePage {
  @ApiProperty({ type: [MessageResponse], description: 'Oldest first.' }) items!: MessageResponse[];
  @ApiProperty({ nullable: true, type: Number }) next_before!: number | null;
}

export class ChatMessagesQuery {
  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200, description: 'Messages per page.' })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  limit = 50;

  @ApiPropertyOptional({ description: 'Older messages than this message id (`messages_next_before`).' })
  @Optional()
  @Type(() => Number)
  @IsInt4()
  before?: number;
}
