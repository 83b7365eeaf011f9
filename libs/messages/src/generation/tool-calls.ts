import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { RateLimiter, TooManyRequestsError } from '#common';
import type { JsonValue, ToolCallPart, ToolResultPart } from '#database';
import { AuditLog } from '#audit';
import type { ChatMessage, ToolCallRequest } from '#llm';
import { McpTools } from '#mcp';
import type { OfferedTool, ToolOutcome } from '#mcp';
import { redactArguments } from './redact-arguments';

/** Who and what a round of tool calls runs for: the answer's owner (rate limit, audit) and its agent's tools. */
export interface ToolRoundContext {
  actor: { id: number; email: string };
  agentId: number;
  chatId: number;
  messageId: number;
  offered: OfferedTool[];
  signal: AbortSignal;
  /** Stores the part with the answer and publishes it to its followers, in order. */
  record(part: ToolCallPart | ToolResultPart): Promise<void>;
}

/**
 * Runs the tool calls a model asked for in one round: each call is announced,
 * then all run at once (a call's result does not wait for another's), and
 * each result is announced as it comes. Nothing here throws for a tool's
 * sake: a tool not offered, arguments that are not JSON, a call past the
 * user's rate limit, a failure, a timeout — each becomes an error result the
 * model reads and the user sees. The results are data for the model, never
 * instructions to the server: nothing in them is acted on here.
 */
@Injectable()
export class ToolCalls {
  constructor(
    private readonly tools: McpTools,
    private readonly limiter: RateLimiter,
    private readonly audit: AuditLog,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** The `tool` messages that answer the calls, in the calls' order, for the model's next round. */
  async run(calls: ToolCallRequest[], context: ToolRoundContext): Promise<ChatMessage[]> {
    const planned: { call: ToolCallRequest; tool?: OfferedTool; args: ParsedArguments }[] = [];
    for (const call of calls) {
      const tool = context.offered.find((candidate) => candidate.modelName === call.name);
      const args = parseArguments(call.arguments);
      planned.push({ call, tool, args });
      await context.record({
        type: 'tool_call',
        call_id: call.id,
        server: tool?.serverName ?? null,
        tool: tool?.tool ?? call.name,
        arguments: args.value,
        started_at: new Date().toISOString(),
      });
    }
    const outcomes = await Promise.all(
      planned.map(async ({ call, tool, args }) => {
        const started = Date.now();
        const outcome = await this.outcomeOf(call, tool, args, context);
        const result: ToolResultPart = {
          type: 'tool_result',
          call_id: call.id,
          ok: outcome.ok,
          ...(outcome.ok ? { content: outcome.content, ...(outcome.truncated ? { truncated: true } : {}) } : { error: outcome.error }),
          duration_ms: Date.now() - started,
        };
        await context.record(result);
        await this.audited(call, tool, args.value, result, context);
        return result;
      }),
    );
    return outcomes.map((result) => ({
      role: 'tool' as const,
      tool_call_id: result.call_id,
      content: result.ok ? (result.content ?? '') + (result.truncated ? '\n[result truncated]' : '') : `Error: ${result.error}`,
    }));
  }

  private async outcomeOf(call: ToolCallRequest, tool: OfferedTool | undefined, args: ParsedArguments, context: ToolRoundContext): Promise<ToolOutcome> {
    // A call to a tool the agent was not offered is never made, whatever the model (or a forged reply) says.
    if (!tool) return { ok: false, error: `The tool "${call.name}" is not available to this agent` };
    if (!args.ok) return { ok: false, error: 'The arguments are not valid JSON' };
    try {
      await this.limiter.consume({ key: `tool-calls:user:${context.actor.id}`, limit: this.config.mcp.toolCallsPerMinute, windowSeconds: 60 });
    } catch (error) {
      if (error instanceof TooManyRequestsError) return { ok: false, error: `Too many tool calls: at most ${this.config.mcp.toolCallsPerMinute} a minute` };
      return { ok: false, error: 'Tool calls cannot be counted right now; try again shortly' };
    }
    return this.tools.call(tool, args.value, context.signal);
  }

  private audited(call: ToolCallRequest, tool: OfferedTool | undefined, args: unknown, result: ToolResultPart, context: ToolRoundContext): Promise<void> {
    return this.audit.record({
      action: 'tool.call',
      actor: context.actor,
      outcome: !tool ? 'denied' : result.ok ? 'success' : 'failure',
      target: { type: 'agent', id: context.agentId },
      details: {
        server: tool?.serverName ?? null,
        tool: tool?.tool ?? call.name,
        chat_id: context.chatId,
        message_id: context.messageId,
        duration_ms: result.duration_ms,
        arguments: redactArguments(args, this.config.mcp.auditRedact),
        ...(result.ok ? {} : { error: result.error }),
      },
    });
  }
}

interface ParsedArguments {
  ok: boolean;
  value: JsonValue;
}

/** The model's arguments as JSON when they are (an empty text is no arguments); otherwise the raw text, refused. */
function parseArguments(text: string): ParsedArguments {
  if (!text.trim()) return { ok: true, value: {} };
  try {
    return { ok: true, value: JSON.parse(text) as JsonValue };
  } catch {
    return { ok: false, value: text };
  }
}
