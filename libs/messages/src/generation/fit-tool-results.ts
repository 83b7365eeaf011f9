import type { ChatMessage } from '#llm';

export const CUT_TO_FIT = '\n[cut to fit the model context]';

/**
 * A round's tool messages as the next prompt takes them: whole when they fit
 * in `roomTokens`, else each cut to the same share of its text (shares by
 * characters, a little under the tokens' ratio to stay within) and marked, so
 * that results too large for the model's context shorten the prompt instead
 * of failing the answer. The stored parts keep the results as they came.
 */
export function fitToolResults(messages: ChatMessage[], roomTokens: number, countTokens: (text: string) => number): ChatMessage[] {
  const texts = messages.map((message) => (typeof message.content === 'string' ? message.content : ''));
  const total = texts.reduce((sum, text) => sum + countTokens(text), 0);
  if (total <= roomTokens) return messages;
  const share = (Math.max(0, roomTokens) / total) * 0.9;
  return messages.map((message, i) => ({ ...message, content: texts[i].slice(0, Math.floor(texts[i].length * share)) + CUT_TO_FIT }));
}
