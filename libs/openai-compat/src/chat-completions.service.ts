import { Inject, Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { RateLimiter, ValidationError } from '#common';
import type { OpenAiErrorHint } from '#common';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { FailoverStreamer, LlmRegistry } from '#llm';
import { AnswerContextBuilder, assemblePrompt, messagesRateLimit, textOf } from '#messages';
import { keyMayChat } from '#api-keys';
import type { ApiKeyPrincipal } from '#api-keys';
import { BudgetAdmission, UsageLedger } from '#usage';
import { countTokens } from '#text';
import { AgentModels } from './agent-models';
import { readClientMessages } from './client-messages';
import type { ClientConversation } from './client-messages';
import { ClientGone, CompletionRun, outcomeOf } from './completion-run';
import type { CompletionEnd, CompletionPlan } from './completion-run';
import { ConcurrentCompletions } from './concurrent-completions';
import type { ChatCompletionRequest } from './dto/chat-completion.dto';
import type { ChatCompletion, CompletionExtension } from './dto/chat-completion-response.dto';
import { CompletionTranscripts } from './completion-transcripts';
import { ReadOnlyKeyError } from './openai-errors';

/** The tokens of the text the client sent (images not counted, as in a chat's prompt). */
function conversationTokens(conversation: ClientConversation): number {
  const texts = [...conversation.system, ...[...conversation.history, conversation.current].map(textOf)];
  return texts.reduce((sum, text) => sum + countTokens(text), 0);
}

/** The prompt does not fit the context window whatever history is dropped. */
class ContextLengthError extends ValidationError implements OpenAiErrorHint {
  readonly openAiCode = 'context_length_exceeded';

  constructor(budget: number) {
    super([{ loc: ['body', 'messages'], msg: `The system messages and the last message exceed the ${budget} tokens the prompt may use` }]);
  }
}

/**
 * POST /v1/chat/completions: the agent answers the client's conversation
 * (stateless) with its system prompt, knowledge and memories, under the same
 * limits as a chat send (the messages rate limit, budgets, answers in
 * progress), and one usage ledger row per call.
 */
@Injectable()
export class ChatCompletionsService {
  constructor(
    private readonly models: AgentModels,
    private readonly registry: LlmRegistry,
    private readonly streamer: FailoverStreamer,
    private readonly context: AnswerContextBuilder,
    private readonly rateLimiter: RateLimiter,
    private readonly budgets: BudgetAdmission,
    private readonly slots: ConcurrentCompletions,
    private readonly ledger: UsageLedger,
    private readonly transcripts: CompletionTranscripts,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * Checks the request (free), admits it (rate limit, budget, a concurrency
   * slot), then retrieves the agent's knowledge and builds the prompt. The
   * run holds the slot until `finish`.
   */
  async start(principal: ApiKeyPrincipal, body: ChatCompletionRequest, saveChat: boolean): Promise<CompletionRun> {
    if (!keyMayChat(principal)) throw new ReadOnlyKeyError();
    const agent = await this.models.resolve(principal, body.model);
    const conversation = readClientMessages(body.messages, this.config.limits.messageMaxChars);
    const maxTokens = this.maxTokensOf(body);
    const route = this.registry.route(agent.model, { withImages: conversation.withImages, fallbacks: agent.fallback_models });
    const { user } = principal;
    // The client sends the whole conversation, so a budget counts all of it (a chat send counts its question
    // first, its stored history being bounded by the chat). A completion leaves no streaming row: concurrent
    // ones do not reserve their prompts against each other.
    await Promise.all([
      this.rateLimiter.consume(messagesRateLimit(user.id, this.config)),
      this.budgets.check(user.id, conversationTokens(conversation)),
    ]);
    const release = this.slots.acquire(user.id, this.config.limits.concurrentGenerationsPerUser);
    try {
      const context = await this.context.build(conversation.question, { agent, userId: user.id });
      const budgetTokens = this.config.llm.contextTokens - maxTokens;
      const prompt = assemblePrompt({
        system: [agent.system_prompt, ...conversation.system, context.text],
        history: conversation.history,
        current: conversation.current,
        budgetTokens,
      });
      if (prompt.fixedTokens > budgetTokens) throw new ContextLengthError(budgetTokens);
      const plan: CompletionPlan = {
        id: `chatcmpl-${randomBytes(12).toString('hex')}`,
        created: Math.floor(Date.now() / 1000),
        model: body.model,
        userId: user.id,
        agent,
        route,
        request: { messages: prompt.messages, temperature: body.temperature ?? agent.temperature, maxTokens },
        conversation,
        citations: context.citations,
        saveChat,
        release,
      };
      return new CompletionRun(plan, this.streamer, this.config.llm.maxGenerationSeconds);
    } catch (error) {
      release();
      throw error;
    }
  }

  /**
   * The whole answer at once (`stream` false): a `chat.completion`; a failure
   * is the request's error; null when the client went away (nobody to answer).
   */
  async complete(run: CompletionRun, clientGone: AbortSignal): Promise<ChatCompletion | null> {
    try {
      // The run keeps the text; nothing to do with each piece here.
      for await (const delta of run.deltas(clientGone)) void delta;
    } catch (error) {
      await this.finish(run, run.ended(outcomeOf(error)));
      if (error instanceof ClientGone) return null;
      throw error;
    }
    const end = run.ended('complete');
    const extension = await this.finish(run, end);
    const { plan } = run;
    return {
      id: plan.id,
      object: 'chat.completion',
      created: plan.created,
      model: plan.model,
      choices: [{ index: 0, message: { role: 'assistant', content: end.content, refusal: null }, finish_reason: end.finishReason, logprobs: null }],
      usage: usageOf(end),
      foyergpt: extension,
    };
  }

  /**
   * Ends a run once: saves the exchange as a chat when asked (complete answers
   * only), records the ledger row, gives the slot back. Returns the extension
   * field of the response.
   */
  async finish(run: CompletionRun, end: CompletionEnd): Promise<CompletionExtension> {
    const { plan } = run;
    let chatId: number | null = null;
    try {
      if (plan.saveChat && end.outcome === 'complete') chatId = await this.transcripts.save(plan, end);
    } finally {
      // Recorded even when the save failed: the model was called (record never throws).
      const target = end.served ?? plan.route.targets[0];
      await this.ledger.record({
        purpose: 'api_completion',
        provider: target.provider.name,
        model: target.model,
        userId: plan.userId,
        agentId: plan.agent.id,
        chatId,
        ...end.tokens,
        latencyMs: end.latencyMs,
        outcome: end.outcome,
      });
      plan.release();
    }
    const served = end.served ? { provider: end.served.provider.name, model: end.served.model } : null;
    return { citations: plan.citations, served_by: served, chat_id: chatId };
  }

  /** The request's output cap (max_completion_tokens, else max_tokens), within the server's; the server's by default. */
  private maxTokensOf(body: ChatCompletionRequest): number {
    const serverCap = this.config.llm.maxOutputTokens;
    const [param, asked] = body.max_completion_tokens != null ? ['max_completion_tokens', body.max_completion_tokens] : ['max_tokens', body.max_tokens];
    if (asked == null) return serverCap;
    if (asked > serverCap) throw new ValidationError([{ loc: ['body', param], msg: `${param} must be at most ${serverCap} (the server's output cap)` }]);
    return asked;
  }
}

export function usageOf(end: CompletionEnd) {
  const { promptTokens, completionTokens } = end.tokens;
  return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
}
