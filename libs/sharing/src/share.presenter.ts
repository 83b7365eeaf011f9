import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '#common';
import { MESSAGE_ROLES, MESSAGE_STATUSES } from '#database';
import type { MessageRole, MessageStatus, ShareLink, ShareLinkSummary } from '#database';
import type { SharedCitation, SharedMessage, ShareSnapshot } from './share-snapshot';

export class CreatedShareResponse {
  @ApiProperty({ type: 'integer' }) id!: number;
  @ApiProperty({ example: '/api/shared/3q2-7wJ0y1dXq9tq0m3a5l3oQk2W9o8oXcJQw1S1b3E', description: 'Where anyone with the link reads it (relative to the server).' })
  url!: string;
  @ApiProperty({ description: 'The secret part of the URL. Shown this once: only its hash is kept.' }) token!: string;
  @ApiProperty() created_at!: Date;
  @ApiProperty({ nullable: true, type: Date }) expires_at!: Date | null;
}

export class ShareLinkResponse {
  @ApiProperty({ type: 'integer' }) id!: number;
  @ApiProperty({ type: 'integer' }) chat_id!: number;
  @ApiProperty({ description: "The chat's current title." }) chat_title!: string;
  @ApiProperty() created_at!: Date;
  @ApiProperty({ nullable: true, type: Date }) expires_at!: Date | null;
  @ApiProperty({ nullable: true, type: Date }) revoked_at!: Date | null;
  @ApiProperty({ type: 'integer', description: 'Messages in the snapshot.' }) message_count!: number;
}

export class ShareLinkPage extends PageOf(ShareLinkResponse, 'Newest first.') {}

export class SharedCitationResponse implements SharedCitation {
  @ApiProperty({ type: 'integer', description: 'The `[n]` the answer cites.' }) index!: number;
  @ApiProperty({ example: 'rapport-2026.pdf' }) filename!: string;
  @ApiProperty({ type: 'integer' }) page!: number;
  @ApiProperty({ description: 'The cited passage, shortened.' }) snippet!: string;
}

export class SharedMessageResponse implements SharedMessage {
  @ApiProperty({ type: 'integer', description: '1-based position on the shared path.' }) position!: number;
  @ApiProperty({ enum: MESSAGE_ROLES }) role!: MessageRole;
  @ApiProperty() content!: string;
  @ApiProperty({ enum: MESSAGE_STATUSES }) status!: MessageStatus;
  @ApiProperty({ nullable: true, type: String }) llm_model!: string | null;
  @ApiProperty({ nullable: true, type: [SharedCitationResponse] }) citations!: SharedCitation[] | null;
  @ApiProperty({ format: 'date-time' }) created_at!: string;
}

export class SharedAgentResponse {
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) avatar_url!: string | null;
}

export class SharedChatResponse implements ShareSnapshot {
  @ApiProperty() title!: string;
  @ApiProperty({ type: SharedAgentResponse, nullable: true }) agent!: SharedAgentResponse | null;
  @ApiProperty({ format: 'date-time', description: 'When the chat was started.' }) created_at!: string;
  @ApiProperty({ description: 'When the link was made: the snapshot is the chat as it was then.' }) shared_at!: Date;
  @ApiProperty({ nullable: true, type: Date }) expires_at!: Date | null;
  @ApiProperty({ type: [SharedMessageResponse], description: "The chat's active path when shared, oldest first." })
  messages!: SharedMessage[];
}

export function presentShareLink(link: ShareLinkSummary): ShareLinkResponse {
  const { id, chat_id, chat_title, created_at, expires_at, revoked_at, message_count } = link;
  return { id, chat_id, chat_title, created_at, expires_at, revoked_at, message_count };
}

/** The snapshot as stored, plus when it was taken and until when it is readable. */
export function presentShared(link: ShareLink): SharedChatResponse {
  const snapshot = link.snapshot as unknown as ShareSnapshot;
  return {
    title: snapshot.title,
    agent: snapshot.agent,
    created_at: snapshot.created_at,
    shared_at: link.created_at,
    expires_at: link.expires_at,
    messages: snapshot.messages,
  };
}
