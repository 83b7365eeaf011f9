import type { Chat, Message, MessageRole, MessageStatus } from '#database';

/** A citation as the public sees it: where the passage came from, never which document row. */
export interface SharedCitation {
  index: number;
  filename: string;
  page: number;
  snippet: string;
}

export interface SharedMessage {
  /** 1-based position on the shared path (message ids stay private). */
  position: number;
  role: MessageRole;
  content: string;
  status: MessageStatus;
  llm_model: string | null;
  citations: SharedCitation[] | null;
  created_at: string;
}

/** What share_links.snapshot holds: frozen at creation, read as is. */
export interface ShareSnapshot {
  title: string;
  agent: { name: string; avatar_url: string | null } | null;
  created_at: string;
  messages: SharedMessage[];
}

/**
 * The snapshot of a chat's active path. An answer still streaming is left
 * out (its text is not final); its question stays. Only what a reader needs:
 * no user, chat, message or document ids.
 */
export function snapshotOf(chat: Chat, path: Message[]): ShareSnapshot {
  const messages = path
    .filter((message) => message.status !== 'streaming')
    .map(
      (message, i): SharedMessage => ({
        position: i + 1,
        role: message.role,
        content: message.content,
        status: message.status,
        llm_model: message.llm_model,
        citations: message.citations?.map(({ index, filename, page, snippet }) => ({ index, filename, page, snippet })) ?? null,
        created_at: new Date(message.created_at).toISOString(),
      }),
    );
  return {
    title: chat.title,
    agent: chat.agent ? { name: chat.agent.name, avatar_url: chat.agent.avatar_url } : null,
    created_at: new Date(chat.created_at).toISOString(),
    messages,
  };
}
