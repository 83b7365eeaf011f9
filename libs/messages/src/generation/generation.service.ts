import { BeforeApplicationShutdown, Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { setTimeout as sleep } from 'node:timers/promises';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { NotFoundError } from '#common';
import { AnswerEndingsRepository, Message, MessagesRepository, MessageStatus } from '#database';
import type { EndedAnswer, NewUsageRecord, ToolCallPart, ToolResultPart, UsageOutcome } from '#database';
import { MEMORY_LEARNING_JOB } from '#agents';
import { CHAT_TITLE_JOB } from '#chats';
import { JOB_QUEUE } from '#jobs';
import type { JobQueue } from '#jobs';
import { FailoverStreamer, LlmError, LlmTimeoutError } from '#llm';
import type { ChatMessage, ModelRoute, ToolCallRequest, ToolDefinition, Usage } from '#llm';
import { McpTools } from '#mcp';
import type { OfferedTool } from '#mcp';
import { MetricsService } from '#health';
import { estimateTextTokens, UsageLedger } from '#usage';
import type { ModelCall } from '#usage';
import { AnswerWithdrawn, ServerStopping, StopRequested } from './abort-reasons';
import { ANSWER_NOT_SAVED, answerAsHeld, answerCall, AnswerState, appendText, endedAnswerCall, storedParts } from './answer-state';
import { writeAnswerEnd } from './final-write';
import { ANSWER_INTERRUPTED, finalEvent } from './final-event';
import { GenerationEvents } from './generation-events';
import type { GenerationEvent } from './generation-events';
import { fitToolResults } from './fit-tool-results';
import { TokenBatcher } from './token-batcher';
import { ToolCalls } from './tool-calls';

export interface GenerationTask {
  chatId: number;
  assistantMessageId: number;
  /** Where the answer may be served: its model's endpoints, then its fallbacks'. */
  route: ModelRoute;
  temperature: number;
  /** The answer's output cap: the chat's, within the server's. */
  maxTokens: number;
  prompt: ChatMessage[];
  /** The prompt's text tokens as we count them: the estimate when the provider reports no usage. */
  promptTokens: number;
  /** Ask for a title once this answer is complete. */
  wantsTitle: boolean;
  /** The agent learns from interaction: look for memories once complete. */
  learns: boolean;
  /** For the usage ledger: whose budget the answer counts against (the chat's owner), and why it was asked. */
  userId: number;
  /** Who asked (the chat's owner): the actor of its tool calls, in the audit and their rate limit. */
  actor: { id: number; email: string };
  agentId: number | null;
  purpose: 'answer' | 'regenerate' | 'vision';
}

export interface GenerationOutcome {
  message: Message;
  /** What made it fail, for callers that answer with a status (stream: false). */
  failure?: unknown;
}

const FLUSH_INTERVAL_MS = 1000;

/**
 * Runs answers on the server, independent of any HTTP request or socket: every
 * token is published with its seq, the partial text is saved every second
 * (with a heartbeat saying this process still runs it), and the message
 * always ends `complete`, `stopped`, `failed` or `interrupted` with what was
 * generated.
 */
@Injectable()
export class GenerationService implements OnModuleInit, BeforeApplicationShutdown {
  private readonly logger = new Logger('Generation');
  private readonly running = new Map<number, { controller: AbortController; done: Promise<GenerationOutcome> }>();

  constructor(
    private readonly events: GenerationEvents,
    @Inject(JOB_QUEUE) private readonly jobs: JobQueue,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly metrics: MetricsService,
    private readonly store: MessagesRepository,
    private readonly endings: AnswerEndingsRepository,
    private readonly ledger: UsageLedger,
    private readonly failover: FailoverStreamer,
    private readonly tools: McpTools,
    private readonly toolCalls: ToolCalls,
  ) {}

  async onModuleInit(): Promise<void> {
    // A stop may be asked on any instance; the one running the answer acts on it.
    await this.events.onStopRequest((messageId) => this.stopLocal(messageId));
  }

  /** Starts the answer in the background; the promise resolves with the final message (it never rejects). */
  start(task: GenerationTask): Promise<GenerationOutcome> {
    const controller = new AbortController();
    this.metrics.answerStarted();
    const done = this.run(task, controller.signal).finally(() => this.running.delete(task.assistantMessageId));
    this.running.set(task.assistantMessageId, { controller, done });
    return done;
  }

  /** True when this instance ran it and it is now stopped (or already finished). */
  stopLocal(messageId: number): boolean {
    const run = this.running.get(messageId);
    if (!run) return false;
    run.controller.abort(new StopRequested());
    return true;
  }

  requestStop(messageId: number): Promise<void> {
    return this.events.requestStop(messageId);
  }

  /**
   * The final message once the answer ends. An answer running on no live
   * instance (its process died) is closed here as stopped, with its saved text.
   */
  async waitForEnd(messageId: number, timeoutMs = 5000): Promise<Message> {
    const local = this.running.get(messageId);
    if (local) return (await local.done).message;
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const message = await this.stored(messageId);
      if (message.status !== 'streaming') return message;
      await sleep(100);
    }
    const stopped = await this.endings.end(messageId, { status: 'stopped' }, (ended) => this.endedRow(ended, 'stopped'));
    if (stopped) await this.announceEnded(stopped);
    return stopped ?? this.stored(messageId);
  }

  /** The ledger row of an answer ended outside its run (see endedAnswerCall). */
  endedRow(ended: EndedAnswer, outcome: UsageOutcome): NewUsageRecord {
    return this.ledger.toRow(endedAnswerCall(ended, outcome));
  }

  private async stored(messageId: number): Promise<Message> {
    const message = await this.store.findById(messageId);
    if (!message) throw new NotFoundError('Message not found');
    return message;
  }

  /** Tells the followers of an answer that ended outside its run (a sweep, a stop nobody ran); never throws. */
  async announceEnded(message: Message): Promise<void> {
    const logged = await this.events.history(message.id, 0).catch(() => []);
    await this.announceEnd(message, (logged.at(-1)?.seq ?? 0) + 1);
  }

  /** Before connections close, so the final writes and events still go out. */
  async beforeApplicationShutdown(): Promise<void> {
    // Running answers end `interrupted` with their partial text rather than vanish.
    for (const run of this.running.values()) run.controller.abort(new ServerStopping(ANSWER_INTERRUPTED));
    await Promise.allSettled([...this.running.values()].map((run) => run.done));
  }

  private async run(task: GenerationTask, stop: AbortSignal): Promise<GenerationOutcome> {
    const state: AnswerState = { content: '', parts: [], seq: 0, rounds: 0, addedPromptTokens: 0, ttftMs: null };
    const started = Date.now();
    const maxTime = AbortSignal.timeout(this.config.llm.maxGenerationSeconds * 1000);
    let status: MessageStatus = 'complete';
    let error: string | null = null;
    let failure: unknown;
    const flusher = setInterval(() => void this.flush(task.assistantMessageId, state), FLUSH_INTERVAL_MS);
    try {
      await this.stream(task, AbortSignal.any([stop, maxTime]), state, started);
    } catch (caught) {
      const reason = stop.aborted ? stop.reason : maxTime.aborted ? new LlmTimeoutError('The answer took too long and was cut') : caught;
      if (reason instanceof StopRequested || reason instanceof AnswerWithdrawn) status = 'stopped';
      else if (reason instanceof ServerStopping) {
        status = 'interrupted';
        error = reason.message;
      } else {
        status = 'failed';
        failure = reason;
        error = reason instanceof LlmError ? reason.message : 'The answer failed';
        if (reason instanceof LlmError) {
          const provider = (state.served ?? task.route.targets[0]).provider.name;
          this.logger.warn({ message_id: task.assistantMessageId, provider, reason: reason.message }, 'Answer failed');
        } else {
          this.logger.error({ err: reason, message_id: task.assistantMessageId }, 'Generation failed');
        }
      }
    } finally {
      clearInterval(flusher);
    }
    this.metrics.answerEnded(status);
    let message: Message;
    try {
      message = await this.finish(task, state, status, error, started);
    } catch (caught) {
      // The row keeps the text saved last and stays `streaming` until the sweep ends it `interrupted` and tells its followers.
      const context = { err: caught, message_id: task.assistantMessageId, status, chars: state.content.length };
      this.logger.error(context, 'Could not save the end of an answer; the sweep will end it with its last saved text');
      return { message: answerAsHeld(task, state, { status: 'interrupted', error: ANSWER_NOT_SAVED }), failure: caught };
    }
    if (message.status === 'complete') await this.followUp(task);
    return { message, failure };
  }

  /** Background work after a complete answer: the chat's title, and what the agent may learn. */
  private async followUp(task: GenerationTask): Promise<void> {
    const jobs: [string, object, string?][] = [];
    if (task.wantsTitle) jobs.push([CHAT_TITLE_JOB, { chatId: task.chatId }, `title-${task.chatId}`]);
    if (task.learns) jobs.push([MEMORY_LEARNING_JOB, { messageId: task.assistantMessageId }]);
    for (const [name, payload, jobId] of jobs) {
      await this.jobs
        .enqueue(name, payload, { jobId })
        .catch((caught: unknown) => this.logger.warn({ err: caught, job: name }, 'Could not queue a follow-up job'));
    }
  }

  /**
   * Streams the answer through its route (FailoverStreamer: timeouts, breakers,
   * another endpoint or a fallback model before the first token), publishing
   * its tokens with their seqs, those that come close together as one event.
   * When the model asks for tools, they run (ToolCalls) and the model is asked
   * again with their results, up to MCP_MAX_ROUNDS rounds; the last round
   * offers no tools, so the model answers with what it has.
   */
  private async stream(task: GenerationTask, signal: AbortSignal, state: AnswerState, started: number): Promise<void> {
    const offered = task.agentId === null ? [] : await this.tools.forAgent(task.agentId);
    const { chatId: chat_id, assistantMessageId: message_id } = task;
    const batcher = new TokenBatcher(({ firstSeq, seq, delta }) =>
      this.announce({ type: 'token', chat_id, message_id, first_seq: firstSeq, seq, delta }),
    );
    let messages = task.prompt;
    try {
      for (let round = 0; ; round++) {
        const lastRound = round >= this.config.mcp.maxRounds;
        const tools = lastRound ? [] : offered.map(toolDefinition);
        const { text, calls } = await this.streamRound(task, { messages, tools }, signal, state, batcher, started);
        if (!calls.length) return;
        // Every token before the call goes out first: followers see the parts in order.
        await batcher.drain();
        const results = await this.toolCalls.run(calls, {
          actor: task.actor,
          agentId: task.agentId ?? 0,
          chatId: chat_id,
          messageId: message_id,
          offered: lastRound ? [] : offered,
          signal,
          record: (part) => this.record(task, state, part),
        });
        signal.throwIfAborted();
        // A model that still calls tools once none are offered gets their refusals, and no further round.
        if (lastRound) return;
        const asked: ChatMessage = { role: 'assistant', content: text, tool_calls: calls.map(asToolCall) };
        // What is left of the model's context for the results, after the prompt so far and the answer's own room.
        const room = this.config.llm.contextTokens - task.maxTokens - task.promptTokens - state.addedPromptTokens - estimateTextTokens(JSON.stringify(asked));
        const added = [asked, ...fitToolResults(results, room, estimateTextTokens)];
        state.addedPromptTokens += estimateTextTokens(JSON.stringify(added));
        messages = [...messages, ...added];
      }
    } finally {
      // Every token goes out before the final event (seq + 1), however the stream ended.
      await batcher.drain();
    }
  }

  /** One call of the model: its text streamed to the answer, and the tool calls it asks for. */
  private async streamRound(
    task: GenerationTask,
    { messages, tools }: { messages: ChatMessage[]; tools: ToolDefinition[] },
    signal: AbortSignal,
    state: AnswerState,
    batcher: TokenBatcher,
    started: number,
  ): Promise<{ text: string; calls: ToolCallRequest[] }> {
    const request = { messages, temperature: task.temperature, maxTokens: task.maxTokens, ...(tools.length ? { tools } : {}) };
    const stream = this.failover.stream(task.route, request, signal);
    let text = '';
    let calls: ToolCallRequest[] = [];
    let usage: Usage | undefined;
    state.rounds += 1;
    try {
      for await (const chunk of stream) {
        // A provider may report usage so far on every chunk: the round's last report is its usage.
        if (chunk.usage) usage = chunk.usage;
        if (chunk.toolCalls?.length) calls = chunk.toolCalls;
        if (!chunk.delta) continue;
        if (state.ttftMs === null) {
          state.ttftMs = Date.now() - started;
          this.metrics.answerFirstToken(state.ttftMs / 1000);
        }
        this.metrics.answerToken();
        text += chunk.delta;
        appendText(state, chunk.delta);
        state.seq += 1;
        batcher.add(state.seq, chunk.delta);
      }
    } finally {
      state.served = stream.served ?? state.served;
      if (usage) state.usage = addUsage(state.usage, usage);
      else state.usageMissing = true;
    }
    return { text, calls };
  }

  /** A tool call or result: kept with the answer, then announced with the next seq. */
  private record(task: GenerationTask, state: AnswerState, part: ToolCallPart | ToolResultPart): Promise<void> {
    state.parts.push(part);
    state.seq += 1;
    const base = { chat_id: task.chatId, message_id: task.assistantMessageId, seq: state.seq };
    return this.announce(part.type === 'tool_call' ? { ...base, type: 'tool_call', part } : { ...base, type: 'tool_result', part });
  }

  /** Saves the partial text, so a crash loses at most a second of answer, and proves this process still runs it. */
  private async flush(messageId: number, state: AnswerState): Promise<void> {
    try {
      if (!(await this.store.saveProgress(messageId, state.content, storedParts(state) ?? undefined))) this.running.get(messageId)?.controller.abort(new AnswerWithdrawn());
    } catch (error) {
      this.logger.warn({ err: error, message_id: messageId }, 'Could not save partial answer');
    }
  }

  private async finish(
    task: GenerationTask,
    state: AnswerState,
    status: MessageStatus,
    error: string | null,
    started: number,
  ): Promise<Message> {
    const call = answerCall(task, state, status as UsageOutcome, Date.now() - started);
    const end = {
      content: state.content,
      parts: storedParts(state),
      status,
      error,
      // The endpoint and model that served it (failover may have chosen others than those stored at its start).
      ...(state.served ? { llm_provider: state.served.provider.name, llm_model: state.served.model } : {}),
      prompt_tokens: call.promptTokens,
      completion_tokens: call.completionTokens,
      ttft_ms: state.ttftMs,
    };
    // Unless it already ended elsewhere (interrupted by a sweep, stopped by a stop that found no runner), counted there.
    const message = await writeAnswerEnd(this.endings, task.assistantMessageId, end, this.ledger.toRow(call), (err, attempt) =>
      this.logger.warn({ err, message_id: task.assistantMessageId, attempt }, 'Could not save the end of an answer; retrying'),
    );
    if (!message) return this.withdrawn(task, state, { ...call, outcome: 'stopped' });
    await this.announceEnd(message, state.seq + 1);
    return message;
  }

  /**
   * The answer ended without this run: as stored when someone else ended it
   * (and told its followers); when it was deleted with its chat, as it stood,
   * its followers told it stopped, and the call counted still (the ledger
   * keeps no link to the message; its unique index stops a second count).
   */
  private async withdrawn(task: GenerationTask, state: AnswerState, call: ModelCall): Promise<Message> {
    const stored = await this.store.findById(task.assistantMessageId);
    if (stored) return stored;
    await this.ledger.record(call);
    const gone = answerAsHeld(task, state, { status: 'stopped', error: null });
    await this.announceEnd(gone, state.seq + 1);
    return gone;
  }

  private async announceEnd(message: Message, seq: number): Promise<void> {
    await this.announce(finalEvent(message, seq)).catch((caught: unknown) =>
      this.logger.warn({ err: caught, message_id: message.id }, 'Could not publish the end of an answer'),
    );
  }

  /** To the answer's log (replay, resume) and its chat's feed (SSE and sockets, on every instance). */
  private announce(event: GenerationEvent): Promise<void> {
    return this.events.publish(event);
  }
}

/** An offered tool as the model sees it. */
function toolDefinition(tool: OfferedTool): ToolDefinition {
  return { name: tool.modelName, description: tool.description, parameters: tool.inputSchema };
}

/** A call as the assistant's message carries it in the next round's prompt. */
function asToolCall(call: ToolCallRequest): NonNullable<ChatMessage['tool_calls']>[number] {
  return { id: call.id, type: 'function', function: { name: call.name, arguments: call.arguments } };
}

function addUsage(total: Usage | undefined, round: Usage): Usage {
  return total ? { prompt_tokens: total.prompt_tokens + round.prompt_tokens, completion_tokens: total.completion_tokens + round.completion_tokens } : round;
}
