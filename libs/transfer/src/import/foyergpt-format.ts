import { MESSAGE_ROLES, MESSAGE_STATUSES } from '#database';
import type { Citation, MessageRole, MessageStatus, NewTransferChat, NewTransferMessage } from '#database';
import { CHAT_FORMAT, CHATS_FORMAT, EXPORT_VERSION } from '../export/export.schema';
import { IMPORT_LIMITS, orderTree } from './import-limits';
import {
  fail,
  field,
  item,
  readArray,
  readDate,
  readInteger,
  readObject,
  readOptionalDate,
  readOptionalInteger,
  readOptionalNumber,
  readOptionalString,
  readString,
} from './read';

/** A chat read from a file, before its agent is chosen: `agent_id` is the original agent's, when the file names one. */
export type ImportedChat = Omit<NewTransferChat, 'agent_id'> & { original_agent_id: number | null; where: string };

export interface ImportOptions {
  messageMaxChars: number;
}

const INT4 = 2_147_483_647;

/** Whether a parsed file is one of ours (it says so); ChatGPT's is a bare array. */
export function isFoyerGptExport(file: unknown): boolean {
  return typeof file === 'object' && file !== null && 'format' in file;
}

/** Reads a FoyerGPT export (one chat or all), version 1. */
export function readFoyerGptExport(file: Record<string, unknown>, options: ImportOptions): ImportedChat[] {
  if (file.format !== CHAT_FORMAT && file.format !== CHATS_FORMAT) fail('format', `must be "${CHAT_FORMAT}" or "${CHATS_FORMAT}"`);
  if (file.version !== EXPORT_VERSION) fail('version', `unsupported version ${JSON.stringify(file.version)} (this server reads ${EXPORT_VERSION})`);
  if (file.format === CHAT_FORMAT) return [readConversation(file, '', options)];
  const conversations = readArray(file.chats, 'chats', IMPORT_LIMITS.chats);
  let messages = 0;
  return conversations.map((conversation, i) => {
    const chat = readConversation(readObject(conversation, item('chats', i)), item('chats', i), options);
    messages += chat.messages.length;
    if (messages > IMPORT_LIMITS.messages) fail(item('chats', i), `too many messages in the file (at most ${IMPORT_LIMITS.messages})`);
    return chat;
  });
}

function readConversation(conversation: Record<string, unknown>, where: string, options: ImportOptions): ImportedChat {
  const at = (key: string) => field(where, key);
  const chat = readObject(conversation.chat, at('chat'));
  const c = (key: string) => field(at('chat'), key);
  const title = readString(chat.title, c('title'), 200).trim();
  if (!title) fail(c('title'), 'must not be empty');
  const created_at = readDate(chat.created_at, c('created_at'));
  const agent = chat.agent === null || chat.agent === undefined ? null : readObject(chat.agent, c('agent'));
  const tags = chat.tags === undefined || chat.tags === null ? [] : readArray(chat.tags, c('tags'), IMPORT_LIMITS.tags);

  const rawMessages = readArray(conversation.messages, at('messages'), IMPORT_LIMITS.messages);
  const byId = new Map<number, { raw: Record<string, unknown>; where: string }>();
  rawMessages.forEach((raw, i) => {
    const message = readObject(raw, item(at('messages'), i));
    const id = readInteger(message.id, field(item(at('messages'), i), 'id'), 1, Number.MAX_SAFE_INTEGER);
    if (byId.has(id)) fail(field(item(at('messages'), i), 'id'), `duplicate id ${id}`);
    byId.set(id, { raw: message, where: item(at('messages'), i) });
  });
  const parents = new Map<number, number | null>();
  for (const [id, { raw, where: w }] of byId) {
    const parent = readOptionalInteger(raw.parent_id, field(w, 'parent_id'), 1, Number.MAX_SAFE_INTEGER);
    if (parent !== null && !byId.has(parent)) fail(field(w, 'parent_id'), `unknown message ${parent}`);
    parents.set(id, parent);
  }
  const order = orderTree(parents, (id) => field(byId.get(id)!.where, 'parent_id'));
  const index = new Map(order.map((id, i) => [id, i]));
  const messages = order.map((id) => readMessage(byId.get(id)!.raw, byId.get(id)!.where, parents.get(id)!, index, created_at, options));

  const activeLeaf = readOptionalInteger(chat.active_leaf, c('active_leaf'), 1, Number.MAX_SAFE_INTEGER);
  if (activeLeaf !== null && !index.has(activeLeaf)) fail(c('active_leaf'), `unknown message ${activeLeaf}`);
  return {
    where,
    title,
    original_agent_id: agent ? readInteger(agent.id, field(c('agent'), 'id'), 1, INT4) : null,
    created_at,
    updated_at: readOptionalDate(chat.updated_at, c('updated_at')) ?? created_at,
    pinned: chat.pinned === undefined ? false : chat.pinned === true ? true : chat.pinned === false ? false : fail(c('pinned'), 'must be a boolean'),
    archived_at: readOptionalDate(chat.archived_at, c('archived_at')),
    tags: [...new Set(tags.map((tag, i) => readString(tag, item(c('tags'), i), 50).trim()).filter(Boolean))],
    model: readOptionalString(chat.model, c('model'), 200),
    temperature: readOptionalNumber(chat.temperature, c('temperature'), 0, 2),
    max_output_tokens: readOptionalInteger(chat.max_output_tokens, c('max_output_tokens'), 1, 1_000_000),
    // A file that names no active leaf (or an older one) shows its newest message's branch.
    active: activeLeaf !== null ? index.get(activeLeaf)! : messages.length ? newestIndex(messages) : null,
    messages,
  };
}

function readMessage(
  raw: Record<string, unknown>,
  where: string,
  parent: number | null,
  index: Map<number, number>,
  chatCreated: Date,
  options: ImportOptions,
): NewTransferMessage {
  const at = (key: string) => field(where, key);
  const role = readString(raw.role, at('role'), 16) as MessageRole;
  if (!MESSAGE_ROLES.includes(role)) fail(at('role'), `must be one of ${MESSAGE_ROLES.join(', ')}`);
  const status = (raw.status === undefined || raw.status === null ? 'complete' : readString(raw.status, at('status'), 16)) as MessageStatus;
  if (!MESSAGE_STATUSES.includes(status)) fail(at('status'), `must be one of ${MESSAGE_STATUSES.join(', ')}`);
  return {
    parent: parent === null ? null : index.get(parent)!,
    role,
    content: readString(raw.content, at('content'), options.messageMaxChars),
    // No process streams an imported answer: one caught mid-stream stays as it ended.
    status: status === 'streaming' ? 'interrupted' : status,
    error: readOptionalString(raw.error, at('error'), IMPORT_LIMITS.errorChars),
    created_at: readOptionalDate(raw.created_at, at('created_at')) ?? chatCreated,
    llm_model: readOptionalString(raw.llm_model, at('llm_model'), 200),
    llm_provider: readOptionalString(raw.llm_provider, at('llm_provider'), 50),
    llm_temperature: readOptionalNumber(raw.llm_temperature, at('llm_temperature'), 0, 2),
    llm_max_tokens: readOptionalInteger(raw.llm_max_tokens, at('llm_max_tokens'), 1, INT4),
    prompt_tokens: readOptionalInteger(raw.prompt_tokens, at('prompt_tokens'), 0, INT4),
    completion_tokens: readOptionalInteger(raw.completion_tokens, at('completion_tokens'), 0, INT4),
    citations: raw.citations === undefined || raw.citations === null ? null : readCitations(raw.citations, at('citations')),
  };
}

function readCitations(value: unknown, where: string): Citation[] {
  return readArray(value, where, IMPORT_LIMITS.citations).map((raw, i) => {
    const citation = readObject(raw, item(where, i));
    const at = (key: string) => field(item(where, i), key);
    return {
      index: readInteger(citation.index, at('index'), 0, INT4),
      document_id: readInteger(citation.document_id, at('document_id'), 0, INT4),
      filename: readString(citation.filename, at('filename'), 255),
      page: readInteger(citation.page, at('page'), 0, INT4),
      chunk_id: readInteger(citation.chunk_id, at('chunk_id'), 0, INT4),
      score: readOptionalNumber(citation.score, at('score'), -1e9, 1e9) ?? 0,
      snippet: readString(citation.snippet, at('snippet'), 5_000),
    };
  });
}

/** The newest message (the last in the file among equals): the end of the branch last written. */
export function newestIndex(messages: Pick<NewTransferMessage, 'created_at'>[]): number {
  let newest = 0;
  messages.forEach((message, i) => {
    if (message.created_at.getTime() >= messages[newest].created_at.getTime()) newest = i;
  });
  return newest;
}
