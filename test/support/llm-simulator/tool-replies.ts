/**
 * How the simulator plays a model that calls tools (see the top of llm-simulator.ts):
 * triggers in the user's message become tool calls, and `tool` messages become
 * a text that quotes their results.
 */
import type { ChatCompletionRequest, ChatMessage } from './llm-simulator';

/** A call the simulated model asks for; `arguments` is sent as given, valid JSON or not. */
export interface SimToolCall {
  name: string;
  arguments: string;
  /** Default: `call_<n>`, n counting the reply's calls from 1. */
  id?: string;
}

/** What a reply function returns: a text, or tool calls (after an optional text). */
export type SimReply = string | { text?: string; toolCalls: SimToolCall[] };

/**
 * `[[tool NAME ARGS]]`: NAME runs to the first whitespace; ARGS is the rest up
 * to the `]]` that ends the message or is followed by whitespace or another
 * trigger, so JSON holding `]]` (`{"m":[[1]]}`) and junk both pass through.
 */
const TRIGGER = /\[\[tool\s+([^\s\]]+)(?:\s([\s\S]*?))?\]\](?=\s|$|\[\[)/g;

export function messageText(message: ChatMessage): string {
  if (typeof message.content === 'string') return message.content;
  if (!Array.isArray(message.content)) return '';
  return message.content.map((part) => (typeof part.text === 'string' ? part.text : '')).join('');
}

/** The calls the triggers of the request's last message ask for, when it is the user's and tools are offered. */
export function triggeredToolCalls(request: ChatCompletionRequest): SimToolCall[] {
  const last = request.messages.at(-1);
  if (!Array.isArray(request.tools) || request.tools.length === 0 || last?.role !== 'user') return [];
  return [...messageText(last).matchAll(TRIGGER)].map((match) => ({ name: match[1], arguments: match[2] ?? '' }));
}

/**
 * `Tool results: <name>: <content>; <name>: <content>` for the `tool` messages
 * that end the request, in order; the name comes from the assistant message
 * whose call the result answers. Null when the request does not end with one.
 */
export function toolResultsText(request: ChatCompletionRequest): string | null {
  const { messages } = request;
  let first = messages.length;
  while (first > 0 && messages[first - 1].role === 'tool') first -= 1;
  if (first === messages.length) return null;
  const names = new Map<string, string>();
  for (const message of messages.slice(0, first)) {
    if (message.role !== 'assistant' || !Array.isArray(message.tool_calls)) continue;
    for (const call of message.tool_calls as { id?: unknown; function?: { name?: unknown } }[]) {
      if (typeof call.id === 'string' && typeof call.function?.name === 'string') names.set(call.id, call.function.name);
    }
  }
  const results = messages.slice(first).map((message) => {
    const name = typeof message.tool_call_id === 'string' ? names.get(message.tool_call_id) : undefined;
    return `${name ?? 'unknown'}: ${messageText(message)}`;
  });
  return `Tool results: ${results.join('; ')}`;
}

/** The calls with their ids. */
export function numberedCalls(calls: SimToolCall[]): Required<SimToolCall>[] {
  return calls.map((call, i) => ({ ...call, id: call.id ?? `call_${i + 1}` }));
}

/**
 * A call's arguments in the pieces it streams in: at least two (so clients
 * must join them), of up to 8 characters, never splitting a character.
 */
export function argumentPieces(text: string): string[] {
  const characters = Array.from(text);
  const count = Math.max(2, Math.ceil(characters.length / 8));
  const size = Math.ceil(characters.length / count);
  return Array.from({ length: count }, (_, i) => characters.slice(i * size, (i + 1) * size).join(''));
}

/**
 * The `delta`s that stream the calls as OpenAI does: a call's first fragment
 * carries its index, id, type, name and first piece of arguments, the next ones
 * only its index and more arguments.
 */
export function toolCallDeltas(calls: Required<SimToolCall>[]): Record<string, unknown>[] {
  return calls.flatMap((call, index) =>
    argumentPieces(call.arguments).map((piece, i) => ({
      tool_calls: [
        i === 0
          ? { index, id: call.id, type: 'function', function: { name: call.name, arguments: piece } }
          : { index, function: { arguments: piece } },
      ],
    })),
  );
}
