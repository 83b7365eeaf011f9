import { LlmTimeoutError } from '#llm';
import type { CompletionRequest, FailoverStreamer, ModelRoute, RouteTarget, Usage } from '#llm';
import type { Agent, Citation, UsageOutcome } from '#database';
import { chatCallTokens } from '#usage';
import type { CallTokens } from '#usage';
import type { ClientConversation } from './client-messages';

/** The client went away: nobody reads the answer any more. */
export class ClientGone extends Error {
  constructor() {
    super('The client disconnected');
  }
}

/** A completion admitted and ready to run: its prompt, route and what its end records. */
export interface CompletionPlan {
  id: string;
  /** Unix seconds. */
  created: number;
  /** The model as requested (`agent-<id>`): what responses name. */
  model: string;
  userId: number;
  agent: Agent;
  route: ModelRoute;
  request: CompletionRequest & { maxTokens: number };
  conversation: ClientConversation;
  citations: Citation[];
  saveChat: boolean;
  /** Gives back the user's concurrency slot. */
  release: () => void;
}

/** How a completion ended, as responses and the ledger report it. */
export interface CompletionEnd {
  outcome: UsageOutcome;
  content: string;
  served: RouteTarget | null;
  tokens: CallTokens;
  finishReason: 'stop' | 'length';
  latencyMs: number;
}

/**
 * One completion's call to the model through its route (FailoverStreamer:
 * failover before the first token only). Yields the text as it comes, then
 * `ended` says how it went. Stopped by the client going away (the upstream
 * call is aborted) or by LLM_MAX_GENERATION_TIME.
 */
export class CompletionRun {
  private content = '';
  private usage?: Usage;
  private finishReason?: string;
  private served: RouteTarget | null = null;
  private readonly started = Date.now();

  constructor(
    readonly plan: CompletionPlan,
    private readonly streamer: FailoverStreamer,
    private readonly maxGenerationSeconds: number,
  ) {}

  /** The answer's text pieces (never empty ones); throws LlmErrors, ClientGone, or an LlmTimeoutError at the deadline. */
  async *deltas(clientGone: AbortSignal): AsyncGenerator<string> {
    const deadline = AbortSignal.timeout(this.maxGenerationSeconds * 1000);
    const stream = this.streamer.stream(this.plan.route, this.plan.request, AbortSignal.any([clientGone, deadline]));
    try {
      for await (const chunk of stream) {
        this.served = stream.served;
        if (chunk.usage) this.usage = chunk.usage;
        if (chunk.finishReason) this.finishReason = chunk.finishReason;
        if (!chunk.delta) continue;
        this.content += chunk.delta;
        yield chunk.delta;
      }
    } catch (caught) {
      this.served = stream.served;
      if (clientGone.aborted) throw new ClientGone();
      if (deadline.aborted) throw new LlmTimeoutError('The answer took too long and was cut');
      throw caught;
    }
  }

  /** What the run produced, ended with `outcome`. */
  ended(outcome: UsageOutcome): CompletionEnd {
    const tokens = chatCallTokens(this.plan.request.messages, { content: this.content, usage: this.usage });
    return {
      outcome,
      content: this.content,
      served: this.served,
      tokens,
      // The provider's when it said; else inferred from the output cap.
      finishReason: this.finishReason === 'length' || (!this.finishReason && tokens.completionTokens >= this.plan.request.maxTokens) ? 'length' : 'stop',
      latencyMs: Date.now() - this.started,
    };
  }
}

/** The ledger's outcome for a run that threw `reason`. */
export function outcomeOf(reason: unknown): UsageOutcome {
  return reason instanceof ClientGone ? 'stopped' : 'failed';
}
