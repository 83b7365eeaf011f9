import type { ChatMessage, ContentPart } from '#llm';
import type { Message } from '#database';
import { countTokens } from '#text';

export interface PromptInput {
  systemPrompt: string;
  /** Sources and memories for this answer, as a second system message; empty for none. */
  context?: string;
  /** Earlier messages of the chat, oldest first. */
  history: Message[];
  /** The message being answered, with any image parts. */
  current: { text: string; images: string[] };
  /** Tokens the prompt may use: context window minus the room kept for the answer. */
  budgetTokens: number;
}

/** The messages sent to the model, and the tokens of their text as our tokenizer counts them (images not counted). */
export interface Prompt {
  messages: ChatMessage[];
  tokens: number;
}

/**
 * System prompt, then as much recent history as fits the budget (newest kept,
 * oldest dropped), then the new message. Only answers that were kept
 * (complete or stopped with text) count as history.
 */
export function buildPrompt(input: PromptInput): Prompt {
  const system: ChatMessage[] = [input.systemPrompt, input.context ?? '']
    .filter((text) => text.trim())
    .map((content): ChatMessage => ({ role: 'system', content }));
  const current: ChatMessage = {
    role: 'user',
    content: input.current.images.length
      ? [
          { type: 'text', text: input.current.text },
          ...input.current.images.map((url): ContentPart => ({ type: 'image_url', image_url: { url } })),
        ]
      : input.current.text,
  };
  const fixed = countTokens(input.systemPrompt) + countTokens(input.context ?? '') + countTokens(input.current.text);
  let remaining = input.budgetTokens - fixed;
  let historyTokens = 0;
  const kept: ChatMessage[] = [];
  for (const message of [...input.history].reverse()) {
    if (message.role === 'system' || !message.content) continue;
    if (message.role === 'assistant' && message.status !== 'complete' && message.status !== 'stopped') continue;
    const tokens = countTokens(message.content);
    remaining -= tokens;
    if (remaining < 0) break;
    historyTokens += tokens;
    kept.unshift({ role: message.role, content: message.content });
  }
  return { messages: [...system, ...kept, current], tokens: fixed + historyTokens };
}
