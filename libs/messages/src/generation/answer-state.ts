import { Message } from '#database';
import type { MessageStatus } from '#database';
import type { ChatMessage, Usage } from '#llm';
import type { GenerationTask } from './generation.service';
import { countTokens } from '#text';

/** What a run has generated so far. */
export interface AnswerState {
  content: string;
  /** The seq of the last event published for the answer. */
  seq: number;
  usage?: Usage;
  ttftMs: number | null;
}

/** Why an answer whose end could not be written is reported `interrupted`. */
export const ANSWER_NOT_SAVED = 'The answer could not be saved; the text saved so far is kept';

/** What the provider reported; providers that do not report usage get an estimate with our tokenizer. */
export function usageOf(prompt: ChatMessage[], state: AnswerState): Usage {
  return (
    state.usage ?? {
      prompt_tokens: prompt.reduce((sum, m) => sum + countTokens(typeof m.content === 'string' ? m.content : JSON.stringify(m.content)), 0),
      completion_tokens: state.content ? countTokens(state.content) - 4 : 0,
    }
  );
}

/** The answer as the run holds it, for when no stored row can tell (deleted with its chat, or unwritable). */
export function answerAsHeld(task: GenerationTask, content: string, end: { status: MessageStatus; error: string | null }): Message {
  return Object.assign(new Message(), {
    id: task.assistantMessageId,
    chat_id: task.chatId,
    role: 'assistant',
    content,
    ...end,
    llm_model: task.model,
    llm_provider: task.provider.name,
    created_at: new Date(),
  });
}
