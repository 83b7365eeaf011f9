import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt4, Optional } from '#common';
import { MessageResponse } from '../message.presenter';

export class SwitchBranchDto {
  @ApiProperty({
    type: 'integer',
    example: 42,
    description: "Any message of the chat (typically a sibling's id): the branch through it becomes active, down to its most recent leaf.",
  })
  @IsInt4(1)
  message_id!: number;
}

export class ForkChatDto {
  @ApiPropertyOptional({ type: 'integer', description: "The last message copied (the path from the root to it); default: the chat's active leaf." })
  @Optional()
  @IsInt4(1)
  message_id?: number;
}

/** The chat's new active path, its newest page, as GET /api/messages/chat/{chatId} lists it. */
export class ActivePathResponse {
  @ApiProperty({ type: 'integer' }) chat_id!: number;
  @ApiProperty({ type: 'integer', description: 'The end of the branch now shown and continued.' }) active_leaf_id!: number;
  @ApiProperty({ type: [MessageResponse], description: 'The newest page of the active path, oldest first.' })
  items!: MessageResponse[];
  @ApiProperty({ nullable: true, type: 'integer', description: 'Pass as `before` to GET /api/messages/chat/{chatId} for older messages; null when none.' })
  next_before!: number | null;
}
