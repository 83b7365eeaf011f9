import { Injectable } from '@nestjs/common';
import { ChatTransferRepository, DEFAULT_CHAT_TITLE } from '#database';
import type { NewTransferMessage } from '#database';
import { textOf } from '#messages';
import type { CompletionEnd, CompletionPlan } from './completion-run';

const TITLE_CHARS = 80;

/**
 * Saves an API exchange as a chat of the key's user with the agent, when the
 * client asks (X-FoyerGPT-Save-Chat): the client's user and assistant messages
 * as one branch, then the answer with its model, tokens and citations. System
 * messages and images are not kept (their text parts are). Written through the
 * import repository, all or nothing.
 */
@Injectable()
export class CompletionTranscripts {
  constructor(private readonly transfer: ChatTransferRepository) {}

  async save(plan: CompletionPlan, end: CompletionEnd): Promise<number> {
    const now = Date.now();
    const asked = [...plan.conversation.history, plan.conversation.current];
    const base = { status: 'complete' as const, error: null, llm_model: null, llm_provider: null, llm_temperature: null, llm_max_tokens: null };
    const messages: NewTransferMessage[] = asked.map((message, i) => ({
      ...base,
      role: message.role,
      content: textOf(message),
      // A millisecond apart: the branch reads in order.
      created_at: new Date(now - asked.length + i),
      prompt_tokens: null,
      completion_tokens: null,
      citations: null,
      parent: i === 0 ? null : i - 1,
    }));
    messages.push({
      ...base,
      role: 'assistant',
      content: end.content,
      created_at: new Date(now),
      llm_model: end.served?.model ?? null,
      llm_provider: end.served?.provider.name ?? null,
      llm_temperature: plan.request.temperature,
      llm_max_tokens: plan.request.maxTokens,
      prompt_tokens: end.tokens.promptTokens,
      completion_tokens: end.tokens.completionTokens,
      citations: plan.citations.length ? plan.citations : null,
      parent: messages.length - 1,
    });
    const title = plan.conversation.question.replace(/\s+/g, ' ').trim().slice(0, TITLE_CHARS) || DEFAULT_CHAT_TITLE;
    const [chatId] = await this.transfer.insertChats(plan.userId, [
      {
        title,
        agent_id: plan.agent.id,
        created_at: new Date(now),
        updated_at: new Date(now),
        pinned: false,
        archived_at: null,
        tags: [],
        model: null,
        temperature: null,
        max_output_tokens: null,
        active: messages.length - 1,
        messages,
      },
    ]);
    return chatId;
  }
}
