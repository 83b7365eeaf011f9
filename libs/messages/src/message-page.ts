import type { DataSource } from 'typeorm';
import { Message } from '#database';
import { MessageResponse, presentMessage } from './message.presenter';

/** A chat's messages, newest page first (`before` = the oldest id already seen), each page oldest first. */
export async function pageMessages(
  dataSource: DataSource,
  chatId: number,
  limit: number,
  before?: number,
): Promise<{ items: MessageResponse[]; next_before: number | null }> {
  const messages = dataSource.getRepository(Message);
  // The page's ids first, from the (chat_id, id) index alone; then their rows.
  // Asked in one go, the planner may walk the primary key backwards instead
  // and skip every newer message of other chats: 30 times slower (measured).
  const ids = messages
    .createQueryBuilder('paged')
    .select('paged.id')
    .where('paged.chat_id = :chatId', { chatId })
    .orderBy('paged.id', 'DESC')
    .limit(limit + 1);
  if (before) ids.andWhere('paged.id < :before', { before });
  const newestFirst = await messages
    .createQueryBuilder('message')
    .where(`message.id IN (${ids.getQuery()})`)
    .setParameters(ids.getParameters())
    .orderBy('message.id', 'DESC')
    .getMany();
  const page = newestFirst.slice(0, limit).reverse();
  return { items: page.map(presentMessage), next_before: newestFirst.length > limit ? page[0].id : null };
}
