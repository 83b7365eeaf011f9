import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsBoolean, IsString, MaxLength, MinLength } from 'class-validator';
import { IsInt4, KeysetPageQuery, Optional, PageOf } from '#common';
import { MessageResponse } from '../message.presenter';

export class SendMessageDto {
  @ApiProperty({ type: 'integer', example: 1 })
  @IsInt4()
  chat_id!: number;

  @ApiProperty({ example: 'Summarise the attached report in three points.', description: 'Up to MESSAGE_MAX_CHARS.' })
  @IsString()
  @MinLength(1)
  @MaxLength(1_000_000)
  content!: string;

  @ApiPropertyOptional({ type: 'integer', isArray: true, description: "Documents of this chat or its agent; images go to the vision model." })
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

/** A question's new text: a new branch from the same place, answered like a send. */
export class EditMessageDto {
  @ApiProperty({ example: 'Summarise it in five points instead.', description: 'Up to MESSAGE_MAX_CHARS.' })
  @IsString()
  @MinLength(1)
  @MaxLength(1_000_000)
  content!: string;

  @ApiPropertyOptional({
    type: 'integer',
    isArray: true,
    description: "Documents of this chat or its agent; absent: the edited question's own (those still there); []: none.",
  })
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

export class ListMessagesQuery extends KeysetPageQuery(
  { default: 50, maximum: 200 },
  'Messages older than this id (`next_before` of the previous page).',
) {}

/** The one list read oldest first (like a conversation); `next_before` pages back to older messages. */
export class MessagePage extends PageOf(MessageResponse, 'Oldest first; the next page holds older messages.') {}

export class ChatMessagesQuery extends KeysetPageQuery(
  { default: 50, maximum: 200, description: 'Messages per page.' },
  'Older messages than this message id (`messages_next_before`).',
) {}
