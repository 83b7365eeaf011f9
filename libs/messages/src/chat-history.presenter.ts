import { ApiProperty } from '@nestjs/swagger';
import { ChatResponse } from '#chats';
import { MessageResponse } from './message.presenter';

/** A chat with its latest page of messages: what a client opens a conversation with. */
export class ChatWithMessages extends ChatResponse {
  @ApiProperty({ type: [MessageResponse], description: 'The latest page, oldest first.' })
  messages!: MessageResponse[];
  @ApiProperty({ nullable: true, type: 'integer', description: 'Pass as `before` for older messages; null when none.' })
  messages_next_before!: number | null;
}
