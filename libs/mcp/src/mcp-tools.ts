import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { AgentToolsRepository } from '#database';
import type { ToolGrant } from '#database';
import { REALTIME_BUS, topic } from '#realtime';
import type { RealtimeBus } from '#realtime';
import { BoundedCache } from '#redis';
import { ArgumentValidator } from './argument-validator';
import { McpClients } from './mcp-clients';
import { modelToolName } from './tool-names';
import { resultText } from './tool-result';
import type { ResultBlock } from './tool-result';

/** A tool offered to the model in an answer. */
export interface OfferedTool {
  /** `${serverName}__${tool}`, only [A-Za-z0-9_-], at most 64 characters. */
  modelName: string;
  serverId: number;
  serverName: string;
  tool: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

export type ToolOutcome = { ok: true; content: string; truncated: boolean } | { ok: false; error: string };

/** An agent whose grants changed (0: every agent, e.g. after a server's deletion). */
const GRANT_CHANGES = topic<number>('mcp:grants');
const GRANTS_TTL_MS = 5 * 60_000;
const ERROR_MAX_BYTES = 2_000;

/**
 * What answers use: the tools an agent may call now, and the call itself. Both
 * run in every answer, so an agent's grants are kept in this process (cleared
 * on every instance when they or a server change) and connections stay open:
 * a warm `forAgent` touches neither the database nor Redis.
 */
@Injectable()
export class McpTools implements OnApplicationBootstrap {
  private readonly grants = new BoundedCache<number, ToolGrant[]>({ maxBytes: 4 * 1024 * 1024, maxEntries: 10_000, ttlMs: GRANTS_TTL_MS });
  private readonly validator = new ArgumentValidator();
  /** Bumped by every invalidation, so a read that raced one is not cached. */
  private epoch = 0;

  constructor(
    private readonly clients: McpClients,
    private readonly agentTools: AgentToolsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REALTIME_BUS) private readonly bus: RealtimeBus,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.bus.subscribe(GRANT_CHANGES, (agentId) => this.forget(agentId));
    // A server changed: its tools may be other ones, or gone with their grants.
    this.clients.onChange(() => this.forget(0));
  }

  /** The tools the agent's grants allow that are available now (enabled server, tool listed). */
  async forAgent(agentId: number): Promise<OfferedTool[]> {
    const grants = await this.grantsOf(agentId);
    const offered: OfferedTool[] = [];
    for (const grant of grants) {
      const connection = this.clients.peek(grant.server_id) ?? (await this.clients.connection(grant.server_id));
      if (!connection) continue;
      if (!connection.connected) await connection.ready();
      const tool = connection.tools.find((candidate) => candidate.name === grant.tool_name);
      if (!tool) continue;
      const serverName = connection.server.name;
      offered.push({ modelName: modelToolName(serverName, tool.name), serverId: grant.server_id, serverName, tool: tool.name, description: tool.description, inputSchema: tool.inputSchema });
    }
    return offered;
  }

  /** Never throws: every failure becomes an error outcome, in words fit for the model and the user. */
  async call(tool: OfferedTool, args: unknown, signal: AbortSignal): Promise<ToolOutcome> {
    if (signal.aborted) return { ok: false, error: 'cancelled' };
    const connection = this.clients.peek(tool.serverId) ?? (await this.clients.connection(tool.serverId).catch(() => undefined));
    if (!connection) return { ok: false, error: `tool server ${tool.serverName} no longer exists` };
    if (!connection.connected) await connection.ready();
    if (!connection.connected) return { ok: false, error: `tool server ${tool.serverName} is unavailable: ${connection.health.error ?? 'not connected'}` };
    // The schema the server lists now, if it still lists the tool.
    const schema = connection.tools.find((candidate) => candidate.name === tool.tool)?.inputSchema ?? tool.inputSchema;
    const problem = this.validator.problem(schema, args);
    if (problem) return { ok: false, error: problem };
    try {
      const result = await connection.call(tool.tool, args as Record<string, unknown>, signal);
      if (result.isError) {
        const told = resultText(result.content as ResultBlock[], ERROR_MAX_BYTES).content;
        return { ok: false, error: told || 'the tool reported an error' };
      }
      return { ok: true, ...resultText(result.content as ResultBlock[], this.config.mcp.maxResultBytes) };
    } catch (error) {
      if (signal.aborted) return { ok: false, error: 'cancelled' };
      return { ok: false, error: failureOf(error, connection.describe(error), this.config.mcp.toolTimeoutSeconds) };
    }
  }

  /** After the agent's grants changed (0: any agent's), on every instance. */
  async grantsChanged(agentId: number): Promise<void> {
    this.forget(agentId);
    await this.bus.publish(GRANT_CHANGES, agentId);
  }

  private async grantsOf(agentId: number): Promise<ToolGrant[]> {
    const cached = this.grants.get(agentId);
    if (cached) return cached;
    const epoch = this.epoch;
    const grants = await this.agentTools.listFor(agentId);
    if (epoch === this.epoch) this.grants.set(agentId, grants);
    return grants;
  }

  private forget(agentId: number): void {
    this.epoch++;
    if (agentId === 0) this.grants.clear();
    else this.grants.delete(agentId);
  }
}

// JSON-RPC codes of the SDK's McpError.
const REQUEST_TIMEOUT = -32001;
const CONNECTION_CLOSED = -32000;

function failureOf(error: unknown, described: string, timeoutSeconds: number): string {
  const code = (error as { code?: unknown }).code;
  if (code === REQUEST_TIMEOUT) return `the tool did not answer within ${timeoutSeconds} s`;
  if (code === CONNECTION_CLOSED) return 'the tool server disconnected';
  return `the tool failed: ${described}`;
}
