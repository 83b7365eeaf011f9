import { ApiProperty } from '@nestjs/swagger';
import { MESSAGE_ROLES, MESSAGE_STATUSES } from '#database';
import type { MessageRole, MessageStatus } from '#database';

/**
 * The export format, version 1: what GET /api/chats/{id}/export and
 * GET /api/chats/export write and POST /api/chats/import reads back. Ids are
 * the original ones, meaningful only inside the file (import remaps them).
 * A change that old files cannot satisfy bumps EXPORT_VERSION.
 */
export const EXPORT_VERSION = 1;
export const CHAT_FORMAT = 'foyergpt.chat';
export const CHATS_FORMAT = 'foyergpt.chats';

export class ExportedAgent {
  @ApiProperty({ type: 'integer', description: 'Its id on the server that exported it.' }) id!: number;
  @ApiProperty() name!: string;
  @ApiProperty({ description: "The agent's model when exported." }) model!: string;
}

export class ExportedCitation {
  @ApiProperty({ type: 'integer', description: 'The `[n]` the answer cites.' }) index!: number;
  @ApiProperty({ type: 'integer' }) document_id!: number;
  @ApiProperty() filename!: string;
  @ApiProperty({ type: 'integer' }) page!: number;
  @ApiProperty({ type: 'integer' }) chunk_id!: number;
  @ApiProperty() score!: number;
  @ApiProperty({ description: 'The cited passage, shortened.' }) snippet!: string;
}

/** A question's attachment: metadata only (the file is not in the export). */
export class ExportedAttachment {
  @ApiProperty({ type: 'integer' }) document_id!: number;
  @ApiProperty() filename!: string;
  @ApiProperty() mime_type!: string;
  @ApiProperty({ type: 'integer', description: 'Bytes.' }) size!: number;
}

export class ExportedMessage {
  @ApiProperty({ type: 'integer', description: 'Unique within the file.' }) id!: number;
  @ApiProperty({
    type: 'integer',
    nullable: true,
    description: 'The message before it on its branch (an answer: its question; a question: the answer it follows; null: a first question). Siblings are branches.',
  })
  parent_id!: number | null;
  @ApiProperty({ enum: MESSAGE_ROLES }) role!: MessageRole;
  @ApiProperty() content!: string;
  @ApiProperty({ enum: MESSAGE_STATUSES }) status!: MessageStatus;
  @ApiProperty({ type: String, nullable: true }) error!: string | null;
  @ApiProperty({ type: String, format: 'date-time' }) created_at!: string;
  @ApiProperty({ type: String, nullable: true, description: 'For an answer: the model that wrote it.' }) llm_model!: string | null;
  @ApiProperty({ type: String, nullable: true }) llm_provider!: string | null;
  @ApiProperty({ type: 'number', nullable: true }) llm_temperature!: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) llm_max_tokens!: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) prompt_tokens!: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) completion_tokens!: number | null;
  @ApiProperty({ type: [ExportedCitation], nullable: true }) citations!: ExportedCitation[] | null;
  @ApiProperty({ type: [ExportedAttachment], description: "A question's attached documents still stored (not restored by import)." })
  attachments!: ExportedAttachment[];
}

export class ExportedChat {
  @ApiProperty() title!: string;
  @ApiProperty({ type: String, format: 'date-time' }) created_at!: string;
  @ApiProperty({ type: String, format: 'date-time' }) updated_at!: string;
  @ApiProperty({ type: ExportedAgent, nullable: true, description: 'Null when the agent was deleted.' }) agent!: ExportedAgent | null;
  @ApiProperty({ type: String, nullable: true, description: "Override of the agent's model; null: the agent's." }) model!: string | null;
  @ApiProperty({ type: 'number', nullable: true }) temperature!: number | null;
  @ApiProperty({ type: 'integer', nullable: true }) max_output_tokens!: number | null;
  @ApiProperty() pinned!: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) archived_at!: string | null;
  @ApiProperty({ type: [String] }) tags!: string[];
  @ApiProperty({ type: 'integer', nullable: true, description: 'The `id` of the message ending the active branch; null for an empty chat.' })
  active_leaf!: number | null;
}

/** One conversation: the chat and every message of its tree (all branches), by id. */
export class ExportedConversation {
  @ApiProperty({ type: ExportedChat }) chat!: ExportedChat;
  @ApiProperty({ type: [ExportedMessage] }) messages!: ExportedMessage[];
}

export class ChatExport extends ExportedConversation {
  @ApiProperty({ enum: [CHAT_FORMAT] }) format!: typeof CHAT_FORMAT;
  @ApiProperty({ type: 'integer', enum: [EXPORT_VERSION] }) version!: number;
  @ApiProperty({ type: String, format: 'date-time' }) exported_at!: string;
}

export class ChatsExport {
  @ApiProperty({ enum: [CHATS_FORMAT] }) format!: typeof CHATS_FORMAT;
  @ApiProperty({ type: 'integer', enum: [EXPORT_VERSION] }) version!: number;
  @ApiProperty({ type: String, format: 'date-time' }) exported_at!: string;
  @ApiProperty({ type: [ExportedConversation], description: 'Oldest chat first.' }) chats!: ExportedConversation[];
}

export class ImportResult {
  @ApiProperty({ type: 'integer' }) imported!: number;
  @ApiProperty({ type: 'integer', isArray: true, description: 'The new chats, in the order of the file.' }) chat_ids!: number[];
}
