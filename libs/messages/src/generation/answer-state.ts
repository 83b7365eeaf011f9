import { Message } from '#database';
import type { AnswerPart, EndedAnswer, MessageStatus, UsageOutcome } from '#database';
import type { RouteTarget, Usage } from '#llm';
import { estimateTextTokens } from '#usage';
import type { ModelCall } from '#usage';
import type { GenerationTask } from './generation.service';

/** What a run has generated so far. */
export interface AnswerState {
  /** Its text, every round's joined. */
  content: string;
  /** Its text and tool calls in order (see AnswerPart). */
  parts: AnswerPart[];
  /** The seq of the last event published for the answer. */
  seq: number;
  /** The provider's usage summed over the rounds, while every round has reported it. */
  usage?: Usage;
  /** A round ended without the provider's usage: the whole answer is then estimated. */
  usageMissing?: boolean;
  /** Model calls made (one per round) and the tokens, as we count them, of what later rounds added to the prompt. */
  rounds: number;
  addedPromptTokens: number;
  ttftMs: number | null;
  /** The endpoint and model whose tokens these are, once the first came. */
  served?: RouteTarget;
}

/** Why an answer whose end could not be written is reported `interrupted`. */
export const ANSWER_NOT_SAVED = 'The answer could not be saved; the text saved so far is kept';

/**
 * What the provider reported; providers that do not report usage get an
 * estimate with our tokenizer: the prompt's text as counted when it was built
 * (images not counted: a data URL is not what the model is charged for).
 */
export function usageOf(promptTokens: number, state: AnswerState): Usage {
  if (state.usage && !state.usageMissing) return state.usage;
  const rounds = Math.max(1, state.rounds);
  return { prompt_tokens: promptTokens * rounds + state.addedPromptTokens, completion_tokens: estimateTextTokens(state.content) };
}

/** Adds streamed text to the answer: to its last part when that is text, else as a new part. */
export function appendText(state: AnswerState, delta: string): void {
  state.content += delta;
  const last = state.parts.at(-1);
  if (last?.type === 'text') last.text += delta;
  else state.parts.push({ type: 'text', text: delta });
}

/** The parts worth storing: none when the answer is text alone (its content says it all). */
export const storedParts = (state: AnswerState) => (state.parts.some((part) => part.type !== 'text') ? state.parts : null);

/** Who served the answer, or, when nobody did, where it was first sent. */
function servingTarget(task: GenerationTask, state: AnswerState): RouteTarget {
  return state.served ?? task.route.targets[0];
}

/** The answer as the run holds it, for when no stored row can tell (deleted with its chat, or unwritable). */
export function answerAsHeld(task: GenerationTask, state: AnswerState, end: { status: MessageStatus; error: string | null }): Message {
  const target = servingTarget(task, state);
  return Object.assign(new Message(), {
    id: task.assistantMessageId,
    chat_id: task.chatId,
    role: 'assistant',
    content: state.content,
    parts: storedParts(state),
    ...end,
    llm_model: target.model,
    llm_provider: target.provider.name,
    created_at: new Date(),
  });
}

/** The usage ledger's row for an answer its run ended: the provider's usage when reported, else our estimate. */
export function answerCall(task: GenerationTask, state: AnswerState, outcome: UsageOutcome, latencyMs: number): ModelCall {
  const usage = usageOf(task.promptTokens, state);
  const target = servingTarget(task, state);
  return {
    purpose: task.purpose,
    provider: target.provider.name,
    model: target.model,
    userId: task.userId,
    agentId: task.agentId,
    chatId: task.chatId,
    messageId: task.assistantMessageId,
    promptTokens: usage.prompt_tokens,
    completionTokens: usage.completion_tokens,
    estimated: !state.usage || !!state.usageMissing,
    latencyMs,
    outcome,
  };
}

/**
 * The row for an answer ended without its run (a sweep after a crash, a stop
 * nobody ran): estimated from what was stored, the prompt's tokens if known.
 * Which images it carried is not stored, so it is an `answer` or a `regenerate`.
 */
export function endedAnswerCall({ message, userId, agentId, regenerated }: EndedAnswer, outcome: UsageOutcome): ModelCall {
  return {
    purpose: regenerated ? 'regenerate' : 'answer',
    provider: message.llm_provider ?? 'unknown',
    model: message.llm_model ?? 'unknown',
    userId,
    agentId,
    chatId: message.chat_id,
    messageId: message.id,
    promptTokens: message.prompt_tokens ?? 0,
    completionTokens: estimateTextTokens(message.content),
    estimated: true,
    latencyMs: Date.now() - new Date(message.created_at).getTime(),
    outcome,
  };
}
