import type { MessageRole, NewTransferMessage } from '#database';
import type { ImportedChat, ImportOptions } from './foyergpt-format';
import { newestIndex } from './foyergpt-format';
import { IMPORT_LIMITS, orderTree } from './import-limits';
import {
  entry,
  fail,
  field,
  isObject,
  item,
  readArray,
  readObject,
  readOptionalEpoch,
  readOptionalString,
  readString,
} from './read';

const DEFAULT_TITLE = 'Imported chat';

/** What a node of ChatGPT's mapping becomes: a message kept, or nothing (system, tool, hidden, empty). */
interface Kept {
  role: MessageRole;
  content: string;
  created_at: Date | null;
  model: string | null;
}

/**
 * Reads ChatGPT's `conversations.json`: an array of conversations whose
 * `mapping` is a tree of nodes by `parent`. User and assistant text messages
 * are kept; system, tool, hidden and non-text nodes are dropped and their
 * children hang from the nearest kept ancestor. A kept message whose kept
 * parent has the same role and no other kept child is merged into it (an
 * answer split around a tool call reads as one answer). The active leaf is
 * the nearest kept ancestor of `current_node`.
 */
export function readChatGptExport(file: unknown[], options: ImportOptions): ImportedChat[] {
  readArray(file, 'conversations', IMPORT_LIMITS.chats);
  let nodes = 0;
  return file.map((raw, i) => {
    const where = item('conversations', i);
    const conversation = readObject(raw, where);
    const mapping = readObject(conversation.mapping, field(where, 'mapping'));
    nodes += Object.keys(mapping).length;
    if (nodes > IMPORT_LIMITS.messages) fail(field(where, 'mapping'), `too many nodes in the file (at most ${IMPORT_LIMITS.messages})`);
    return readConversation(conversation, mapping, where, options);
  });
}

function readConversation(conversation: Record<string, unknown>, mapping: Record<string, unknown>, where: string, options: ImportOptions): ImportedChat {
  const nodeAt = (id: string) => entry(field(where, 'mapping'), id);
  const parents = new Map<string, string | null>();
  const kept = new Map<string, Kept>();
  for (const id of Object.keys(mapping)) {
    const node = readObject(mapping[id], nodeAt(id));
    const parent = node.parent === undefined || node.parent === null ? null : readString(node.parent, field(nodeAt(id), 'parent'), 1_000);
    if (parent !== null && !Object.hasOwn(mapping, parent)) fail(field(nodeAt(id), 'parent'), `unknown node ${JSON.stringify(parent)}`);
    if (node.children !== undefined) {
      readArray(node.children, field(nodeAt(id), 'children'), IMPORT_LIMITS.messages).forEach((child, c) => {
        const at = item(field(nodeAt(id), 'children'), c);
        if (!Object.hasOwn(mapping, readString(child, at, 1_000))) fail(at, `unknown node ${JSON.stringify(child)}`);
      });
    }
    parents.set(id, parent);
    const message = node.message === undefined || node.message === null ? null : readNode(node.message, field(nodeAt(id), 'message'), options);
    if (message) kept.set(id, message);
  }
  const order = orderTree(parents, (id) => field(nodeAt(id), 'parent'));

  // The kept node each node's children hang from (itself when kept), parents first so each is known before its children.
  const keptAncestor = new Map<string, string | null>();
  for (const id of order) {
    const parent = parents.get(id)!;
    keptAncestor.set(id, kept.has(id) ? id : parent === null ? null : keptAncestor.get(parent)!);
  }
  const keptParent = (id: string) => {
    const parent = parents.get(id)!;
    return parent === null ? null : keptAncestor.get(parent)!;
  };
  const keptChildren = new Map<string | null, number>();
  for (const id of kept.keys()) keptChildren.set(keptParent(id), (keptChildren.get(keptParent(id)) ?? 0) + 1);

  const created = readOptionalEpoch(conversation.create_time, field(where, 'create_time')) ?? new Date();
  const messages: NewTransferMessage[] = [];
  /** Index in `messages` of the message each kept node became (a merged node: the one it joined). */
  const indexOf = new Map<string, number>();
  for (const id of order) {
    const node = kept.get(id);
    if (!node) continue;
    const parent = keptParent(id);
    const parentIndex = parent === null ? null : indexOf.get(parent)!;
    const joined = parentIndex === null ? undefined : messages[parentIndex];
    if (joined && joined.role === node.role && keptChildren.get(parent) === 1) {
      joined.content = `${joined.content}\n\n${node.content}`;
      if (joined.content.length > options.messageMaxChars) fail(field(nodeAt(id), 'message'), `too long once joined to its parent (at most ${options.messageMaxChars} characters)`);
      if (node.role === 'assistant') joined.llm_model ??= node.model;
      indexOf.set(id, parentIndex!);
      continue;
    }
    indexOf.set(id, messages.length);
    messages.push({
      parent: parentIndex,
      role: node.role,
      content: node.content,
      status: 'complete',
      error: null,
      created_at: node.created_at ?? (joined?.created_at ?? created),
      llm_model: node.role === 'assistant' ? node.model : null,
      llm_provider: null,
      llm_temperature: null,
      llm_max_tokens: null,
      prompt_tokens: null,
      completion_tokens: null,
      citations: null,
    });
  }

  const current = conversation.current_node === undefined || conversation.current_node === null
    ? null
    : readString(conversation.current_node, field(where, 'current_node'), 1_000);
  if (current !== null && !Object.hasOwn(mapping, current)) fail(field(where, 'current_node'), `unknown node ${JSON.stringify(current)}`);
  const activeNode = current === null ? null : keptAncestor.get(current)!;
  const title = (readOptionalString(conversation.title, field(where, 'title'), 10_000) ?? '').replace(/\s+/g, ' ').trim().slice(0, 200);
  const updated = readOptionalEpoch(conversation.update_time, field(where, 'update_time'));
  return {
    where,
    title: title || DEFAULT_TITLE,
    original_agent_id: null,
    created_at: created,
    updated_at: updated ?? created,
    pinned: false,
    archived_at: null,
    tags: [],
    model: null,
    temperature: null,
    max_output_tokens: null,
    active: activeNode !== null ? indexOf.get(activeNode)! : messages.length ? newestIndex(messages) : null,
    messages,
  };
}

/** A node's message when it is one a person saw in the conversation: user or assistant text, not hidden, not to a tool. */
function readNode(raw: unknown, where: string, options: ImportOptions): Kept | null {
  const message = readObject(raw, where);
  const author = readObject(message.author, field(where, 'author'));
  const role = readString(author.role, field(field(where, 'author'), 'role'), 50);
  const metadata = isObject(message.metadata) ? message.metadata : {};
  const created_at = readOptionalEpoch(message.create_time, field(where, 'create_time'));
  if (role !== 'user' && role !== 'assistant') return null;
  if (metadata.is_visually_hidden_from_conversation === true) return null;
  if (message.recipient !== undefined && message.recipient !== null && message.recipient !== 'all') return null;
  const content = readObject(message.content, field(where, 'content'));
  if (content.content_type !== 'text' && content.content_type !== 'multimodal_text') return null;
  const parts = readArray(content.parts, field(field(where, 'content'), 'parts'), 10_000);
  // Images and files in multimodal parts are asset pointers to files not in conversations.json: the text is what can come.
  const text = parts.filter((part): part is string => typeof part === 'string').join('\n').trim();
  if (!text) return null;
  if (text.length > options.messageMaxChars) fail(field(field(where, 'content'), 'parts'), `too long (${text.length} characters, at most ${options.messageMaxChars})`);
  const model = typeof metadata.model_slug === 'string' && metadata.model_slug.length <= 200 ? metadata.model_slug : null;
  return { role, content: text, created_at, model };
}
