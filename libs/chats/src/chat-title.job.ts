import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { Chat, DEFAULT_CHAT_TITLE, Message } from '#database';
import { LlmRegistry } from '#llm';
import { OnJob } from '#jobs';

export const CHAT_TITLE_JOB = 'chats.title';
const EXCERPT_CHARS = 2000;
const TITLE_TIMEOUT_MS = 30_000;

/** Keeps the first line, without quotes or a closing full stop, at most 80 characters. */
export function cleanTitle(raw: string): string {
  const line = raw.split('\n').map((part) => part.trim()).find(Boolean) ?? '';
  return line
    .replace(/^(title|titre)\s*:\s*/i, '')
    .replace(/^["'«“*#\s]+|["'»”*\s]+$/g, '')
    .replace(/[.。]+$/, '')
    .slice(0, 80)
    .trim();
}

/** After a chat's first exchange, asks its agent's model for a short title. */
@Injectable()
export class ChatTitleJob {

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: LlmRegistry,
  ) {}

  @OnJob({ name: CHAT_TITLE_JOB })
  async handle({ chatId }: { chatId: number }): Promise<void> {
    const chat = await this.dataSource.getRepository(Chat).findOne({ where: { id: chatId }, relations: { agent: true }, withDeleted: true });
    if (!chat?.agent || chat.title !== DEFAULT_CHAT_TITLE) return;
    const messages = await this.dataSource.getRepository(Message).find({ where: { chat_id: chatId }, order: { id: 'ASC' }, take: 10 });
    const question = messages.find((m) => m.role === 'user');
    const answer = messages.find((m) => m.role === 'assistant' && m.status === 'complete');
    if (!question || !answer) return;
    const { provider, model } = this.registry.resolve(chat.agent.model);
    const result = await provider.chat({
      model,
      temperature: 0.2,
      maxTokens: 24,
      signal: AbortSignal.timeout(TITLE_TIMEOUT_MS),
      messages: [
        {
          role: 'system',
          content: 'Write a short title (at most 6 words) for this conversation, in its language. Answer with the title only.',
        },
        { role: 'user', content: question.content.slice(0, EXCERPT_CHARS) },
        { role: 'assistant', content: answer.content.slice(0, EXCERPT_CHARS) },
      ],
    });
    const title = cleanTitle(result.content);
    if (!title) return;
    // Only while still untitled: a rename by the user wins.
    await this.dataSource.getRepository(Chat).update({ id: chatId, title: DEFAULT_CHAT_TITLE }, { title });
  }
}
