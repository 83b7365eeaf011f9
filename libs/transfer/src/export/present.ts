import type { TransferAttachmentRow, TransferChatRow, TransferMessageRow } from '#database';
import type { ExportedChat, ExportedMessage } from './export.schema';

/** The chat part of an export (the agent's identity, not its settings). */
export function exportChat(chat: TransferChatRow): ExportedChat {
  return {
    title: chat.title,
    created_at: iso(chat.created_at),
    updated_at: iso(chat.updated_at),
    agent: chat.agent_id === null ? null : { id: chat.agent_id, name: chat.agent_name ?? '', model: chat.agent_model ?? '' },
    model: chat.model,
    temperature: chat.temperature,
    max_output_tokens: chat.max_output_tokens,
    pinned: chat.pinned,
    archived_at: chat.archived_at ? iso(chat.archived_at) : null,
    tags: chat.tags,
    active_leaf: chat.active_leaf_id,
  };
}

/** A message of an export; `documents` holds the metadata of the attachments still stored. */
export function exportMessage(message: TransferMessageRow, documents: Map<number, TransferAttachmentRow>): ExportedMessage {
  return {
    id: message.id,
    parent_id: message.parent_id,
    role: message.role,
    content: message.content,
    status: message.status,
    error: message.error,
    created_at: iso(message.created_at),
    llm_model: message.llm_model,
    llm_provider: message.llm_provider,
    llm_temperature: message.llm_temperature,
    llm_max_tokens: message.llm_max_tokens,
    prompt_tokens: message.prompt_tokens,
    completion_tokens: message.completion_tokens,
    citations: message.citations,
    attachments: (message.document_ids ?? []).flatMap((id) => {
      const document = documents.get(id);
      return document ? [{ document_id: id, filename: document.filename, mime_type: document.mime_type, size: document.file_size }] : [];
    }),
  };
}

export function iso(value: Date | string): string {
  return new Date(value).toISOString();
}

/** An ASCII file name from a title: safe in any Content-Disposition and on any file system. */
export function exportFilename(chatId: number, title: string, extension: 'json' | 'md'): string {
  const slug = title
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return `foyergpt-chat-${chatId}${slug ? `-${slug}` : ''}.${extension}`;
}
