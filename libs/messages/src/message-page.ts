import type { Page } from '#common';
import type { Chat, ConversationTreeRepository, Message } from '#database';
import { MessageResponse, presentMessageWithSiblings } from './message.presenter';

/**
 * A chat's active path (root to its active leaf), newest page first, each page
 * oldest first; `before` is a message id of the path (`next_before`): the page
 * holds the messages above it. Other branches show only as sibling counts.
 */
export async function pageMessages(
  tree: ConversationTreeRepository,
  chat: Pick<Chat, 'id' | 'active_leaf_id'>,
  limit: number,
  before?: number,
): Promise<Page<MessageResponse>> {
  const start = before ? await tree.parentInChat(chat.id, before) : chat.active_leaf_id;
  if (!start) return { items: [], next_before: null };
  // One more than the page, to tell whether an older page exists.
  const newestFirst = await tree.branchFrom(start, limit + 1);
  const page = newestFirst.slice(0, limit).reverse();
  return { items: await withSiblings(tree, page), next_before: newestFirst.length > limit ? page[0].id : null };
}

/** Messages as the API shows them, each with its place among its siblings ("2 of 3"). */
export async function withSiblings(tree: ConversationTreeRepository, messages: Message[]): Promise<MessageResponse[]> {
  const siblings = await tree.siblingIds(messages.map((message) => message.id));
  return messages.map((message) => presentMessageWithSiblings(message, siblings.get(message.id)));
}
