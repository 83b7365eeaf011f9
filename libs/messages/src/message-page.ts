import type { Page } from '#common';
import type { MessagesRepository } from '#database';
import { MessageResponse, presentMessage } from './message.presenter';

/** A chat's messages, newest page first (`before` = the oldest id already seen), each page oldest first. */
export async function pageMessages(
  store: MessagesRepository,
  chatId: number,
  limit: number,
  before?: number,
): Promise<Page<MessageResponse>> {
  // One more than the page, to tell whether an older page exists.
  const newestFirst = await store.findNewest(chatId, limit + 1, before);
  const page = newestFirst.slice(0, limit).reverse();
  return { items: page.map(presentMessage), next_before: newestFirst.length > limit ? page[0].id : null };
}
