import { Injectable } from '@nestjs/common';
import { ChatsRepository, DEFAULT_CHAT_TITLE, MessagesRepository } from '#database';
import { FailoverStreamer, LlmRegistry } from '#llm';
import type { ChatMessage } from '#llm';
import { chatCallTokens, routedCallUse, UsageLedger } from '#usage';
import { OnJob } from '#jobs';

export const CHAT_TITLE_JOB = 'chats.title';
const EXCERPT_CHARS = 2000;
const TITLE_TIMEOUT_MS = 30_000;

/** Keeps the first line, without quotes or a closing full stop, at most 80 characters. */
export function cleanTitle(raw: string): string {
  const line = raw.split('\n').map((part) => part.trim()).find(Boolean) ?? '';
  // Marks, a "Title:" label (bold or not), then marks and full stops again, in whichever order the model put them.
  const label = /^[*_#\s]*(title|titre)\s*:[*_\s]*/i;
  const edges = /^["'«“*#\s]+|["'»”*\s.。]+$/g;
  return line.replace(label, '').replace(edges, '').replace(label, '').replace(edges, '').slice(0, 80).trim();
}

/** After a chat's first exchange, asks the chat's model (its override, else its agent's) for a short title. */
@Injectable()
export class ChatTitleJob {
  constructor(
    private readonly chats: ChatsRepository,
    private readonly messages: MessagesRepository,
    private readonly registry: LlmRegistry,
    private readonly failover: FailoverStreamer,
    private readonly ledger: UsageLedger,
  ) {}

  @OnJob({ name: CHAT_TITLE_JOB })
  async handle({ chatId }: { chatId: number }): Promise<void> {
    const chat = await this.chats.findWithAgent(chatId);
    if (!chat?.agent || chat.title !== DEFAULT_CHAT_TITLE) return;
    const exchange = await this.messages.findFirstExchange(chatId);
    if (!exchange) return;
    const { userMessage: question, assistantMessage: answer } = exchange;
    const route = this.registry.route(chat.model ?? chat.agent.model, { fallbacks: chat.agent.fallback_models });
    const first = route.targets[0];
    const messages: ChatMessage[] = [
      {
        role: 'system',
        content: 'Write a short title (at most 6 words) for this conversation, in its language. Answer with the title only.',
      },
      { role: 'user', content: question.content.slice(0, EXCERPT_CHARS) },
      { role: 'assistant', content: answer.content.slice(0, EXCERPT_CHARS) },
    ];
    const result = await this.ledger.track(
      { purpose: 'title', provider: first.provider.name, model: first.model, userId: chat.user_id, agentId: chat.agent.id, chatId },
      () => this.failover.complete(route, { temperature: 0.2, maxTokens: 24, messages }, AbortSignal.timeout(TITLE_TIMEOUT_MS)),
      (done) => routedCallUse(messages, done),
      () => chatCallTokens(messages),
    );
    const title = cleanTitle(result.content);
    if (!title) return;
    // Only while still untitled: a rename by the user wins.
    await this.chats.updateTitle(chatId, title, DEFAULT_CHAT_TITLE);
  }
}
