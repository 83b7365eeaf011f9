import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { UsageRepository } from '#database';
import type { NewUsageRecord, UsageOutcome, UsagePurpose } from '#database';
import type { ChatMessage, ChatResult, RouteTarget } from '#llm';
import { countTokens, MESSAGE_OVERHEAD_TOKENS } from '#text';

/** One call to a model, as the ledger records it. */
export interface ModelCall {
  purpose: UsagePurpose;
  provider: string;
  model: string;
  /** Whose budget it counts against. */
  userId: number | null;
  agentId?: number | null;
  chatId?: number | null;
  messageId?: number | null;
  documentId?: number | null;
  promptTokens: number;
  completionTokens: number;
  /** The provider reported no usage: the tokens are our tokenizer's count. */
  estimated: boolean;
  latencyMs: number;
  outcome: UsageOutcome;
}

/** What a call used: the provider's count, or our estimate (`estimated`). */
export type CallTokens = Pick<ModelCall, 'promptTokens' | 'completionTokens' | 'estimated'>;

/** Who and what a side call is for; the ledger measures the rest. */
export type SideCall = Omit<ModelCall, keyof CallTokens | 'latencyMs' | 'outcome'>;

/** What a complete call used, and the endpoint and model that served it when failover chose another than the first. */
export type CallUse = CallTokens & Partial<Pick<ModelCall, 'provider' | 'model'>>;

/** Our tokenizer's count of a bare text (no message overhead): the estimate when a provider reports no usage. */
export function estimateTextTokens(text: string): number {
  return text ? Math.max(0, countTokens(text) - MESSAGE_OVERHEAD_TOKENS) : 0;
}

/** A chat call's tokens: the provider's usage when reported, else our count of what was sent and (if any) received. */
export function chatCallTokens(messages: ChatMessage[], result?: ChatResult): CallTokens {
  if (result?.usage) return { promptTokens: result.usage.prompt_tokens, completionTokens: result.usage.completion_tokens, estimated: false };
  const promptTokens = messages.reduce(
    (sum, m) => sum + countTokens(typeof m.content === 'string' ? m.content : JSON.stringify(m.content)),
    0,
  );
  return { promptTokens, completionTokens: estimateTextTokens(result?.content ?? ''), estimated: true };
}

/** A routed chat call's use: its tokens (see chatCallTokens) and the endpoint and model that answered. */
export function routedCallUse(messages: ChatMessage[], result: ChatResult & { served: RouteTarget }): CallUse {
  return { ...chatCallTokens(messages, result), provider: result.served.provider.name, model: result.served.model };
}

/** An embeddings call's tokens: the provider's count when reported, else ours. */
export function embeddingCallTokens(texts: string[], reported?: { prompt_tokens: number }): CallTokens {
  if (reported) return { promptTokens: reported.prompt_tokens, completionTokens: 0, estimated: false };
  return { promptTokens: texts.reduce((sum, text) => sum + estimateTextTokens(text), 0), completionTokens: 0, estimated: true };
}

/** Writes the usage ledger: one row per model call, priced from LLM_PRICES when the model has a price. */
@Injectable()
export class UsageLedger {
  private readonly logger = new Logger('UsageLedger');

  constructor(
    private readonly records: UsageRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The row for a call, for repositories that write it with other changes in one transaction. */
  toRow(call: ModelCall): NewUsageRecord {
    return {
      user_id: call.userId,
      agent_id: call.agentId ?? null,
      chat_id: call.chatId ?? null,
      message_id: call.messageId ?? null,
      document_id: call.documentId ?? null,
      purpose: call.purpose,
      provider: call.provider,
      model: call.model,
      prompt_tokens: Math.max(0, Math.round(call.promptTokens)),
      completion_tokens: Math.max(0, Math.round(call.completionTokens)),
      estimated: call.estimated,
      latency_ms: Math.max(0, Math.round(call.latencyMs)),
      outcome: call.outcome,
      cost: this.costOf(call.model, call.promptTokens, call.completionTokens),
    };
  }

  /** Records a side call (a title, memory extraction, embeddings). Never throws: the call's result matters more. */
  async record(call: ModelCall, manager?: EntityManager): Promise<void> {
    try {
      await this.records.record(this.toRow(call), manager);
    } catch (error) {
      this.logger.error({ err: error, purpose: call.purpose, model: call.model }, 'Could not record a model call in the usage ledger');
    }
  }

  /**
   * Runs one side call and records it with its latency: `complete` with the
   * tokens (and serving endpoint) `used` reads from the result, or `failed` with `whenFailed`'s
   * (what was sent, estimated) before the error goes on to the caller.
   */
  async track<T>(call: SideCall, run: () => Promise<T>, used: (result: T) => CallUse, whenFailed: () => CallTokens): Promise<T> {
    const started = Date.now();
    let result: T;
    try {
      result = await run();
    } catch (error) {
      await this.record({ ...call, ...whenFailed(), latencyMs: Date.now() - started, outcome: 'failed' });
      throw error;
    }
    await this.record({ ...call, ...used(result), latencyMs: Date.now() - started, outcome: 'complete' });
    return result;
  }

  /** The price of a call as a decimal string (the column is numeric), or null without a price for the model. */
  costOf(model: string, promptTokens: number, completionTokens: number): string | null {
    const price = this.config.llm.prices[model];
    if (!price) return null;
    return ((promptTokens * price.input + completionTokens * price.output) / 1_000_000).toFixed(8);
  }
}
