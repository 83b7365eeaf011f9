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

/** What a prompt is made of, whoever asks (a chat, or the OpenAI-compatible API with the client's messages). */
export interface PromptParts {
  /** System messages in order (the agent's prompt first, sources and memories last); empty ones are dropped. */
  system: string[];
  /** Earlier messages, oldest first. */
  history: ChatMessage[];
  /** The message being answered. */
  current: ChatMessage;
  /** Tokens the prompt may use: context window minus the room kept for the answer. */
  budgetTokens: number;
}

/** The text of a message as our tokenizer counts it: its text parts (images are not counted). */
export function textOf(message: ChatMessage): string {
  if (typeof message.content === 'string') return message.content;
  return message.content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('\n');
}

/**
 * System messages, then as much recent history as fits the budget (newest
 * kept, oldest dropped), then the current message. `fixedTokens` is what the
 * system messages and the current one take whatever history fits: more than
 * the budget leaves no history (callers may refuse it).
 */
export function assemblePrompt(parts: PromptParts): Prompt & { fixedTokens: number } {
  const system = parts.system.filter((text) => text.trim());
  const fixedTokens = system.reduce((sum, text) => sum + countTokens(text), 0) + countTokens(textOf(parts.current));
  let remaining = parts.budgetTokens - fixedTokens;
  let historyTokens = 0;
  const kept: ChatMessage[] = [];
  for (const message of [...parts.history].reverse()) {
    const tokens = countTokens(textOf(message));
    remaining -= tokens;
    if (remaining < 0) break;
    historyTokens += tokens;
    kept.unshift(message);
  }
  const messages = [...system.map((content): ChatMessage => ({ role: 'system', content })), ...kept, parts.current];
  return { messages, tokens: fixedTokens + historyTokens, fixedTokens };
}

/**
 * A chat's prompt: the agent's system prompt and the context, as much recent
 * history as fits, then the new message. Only answers that were kept
 * (complete or stopped with text) count as history.
 */
export function buildPrompt(input: PromptInput): Prompt {
  const current: ChatMessage = {
    role: 'user',
    content: input.current.images.length
      ? [
          { type: 'text', text: input.current.text },
          ...input.current.images.map((url): ContentPart => ({ type: 'image_url', image_url: { url } })),
        ]
      : input.current.text,
  };
  const history = input.history
    .filter((message) => message.role !== 'system' && message.content)
    .filter((message) => message.role !== 'assistant' || message.status === 'complete' || message.status === 'stopped')
    .map((message): ChatMessage => ({ role: message.role, content: message.content }));
  const { messages, tokens } = assemblePrompt({
    system: [input.systemPrompt, input.context ?? ''],
    history,
    current,
    budgetTokens: input.budgetTokens,
  });
  return { messages, tokens };
}
