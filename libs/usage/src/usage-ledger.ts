import { Inject, Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { UsageRepository } from '#database';
import type { NewUsageRecord, UsageOutcome, UsagePurpose } from '#database';

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

  /** The price of a call as a decimal string (the column is numeric), or null without a price for the model. */
  costOf(model: string, promptTokens: number, completionTokens: number): string | null {
    const price = this.config.llm.prices[model];
    if (!price) return null;
    return ((promptTokens * price.input + completionTokens * price.output) / 1_000_000).toFixed(8);
  }
}
