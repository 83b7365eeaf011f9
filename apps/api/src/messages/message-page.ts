import type { DataSource } from 'typeorm';
import { Message } from '../../../../libs/database/src';
import { MessageResponse, presentMessage } from './message.presenter';

/** The latest `limit` messages of a chat older than `before`, oldest first, and the cursor for older ones. */
export async function pageMessages(
  dataSource: DataSource,
  chatId: number,
  limit: number,
  before?: number,
): Promise<{ items: MessageResponse[]; next_before: number | null }> {
  const builder = dataSource
    .getRepository(Message)
    .createQueryBuilder('message')
    .where('message.chat_id = :chatId', { chatId })
    .orderBy('message.id', 'DESC')
    .limit(limit + 1);
  if (before) builder.andWhere('message.id < :before', { before });
  const newestFirst = await builder.getMany();
  const page = newestFirst.slice(0, limit).reverse();
  return { items: page.map(presentMessage), next_before: newestFirst.length > limit ? page[0].id : null };
}
