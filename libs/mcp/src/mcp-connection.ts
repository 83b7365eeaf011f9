import { Logger } from '@nestjs/common';
import type { McpServer } from '#database';
import { Client, getDefaultEnvironment, StdioClientTransport, StreamableHTTPClientTransport, ToolListChangedNotificationSchema } from './mcp-sdk';
import type { Transport } from './mcp-sdk';
import type { ServerHealth, ServerTool } from './server-tool';
import { shortError } from './short-error';

/** What a connection needs besides its server's row. */
export interface ConnectionOptions {
  /** The server's header or environment values, opened. */
  secrets: Record<string, string>;
  /** Why this server is never started (a local command while MCP_ALLOW_STDIO is off, unreadable secrets). */
  refusal?: string;
  /** Longest wait for the handshake and the tool list, and for one call. */
  timeoutMs: number;
}

/** What a call brought back, before it is told to the model. */
export type CallResult = { content: { type: string }[]; isError: boolean };

const MAX_TOOL_PAGES = 50;
const FIRST_RETRY_MS = 1_000;
const MAX_RETRY_MS = 5 * 60_000;
const CLIENT_INFO = { name: 'foyergpt', version: '0.1.0' };

/**
 * One registered server, on this instance: connects, lists its tools (every
 * page, again when the server says they changed), calls them, and after a
 * failure or a lost connection tries again later, waiting twice as long each time.
 */
export class McpConnection {
  private readonly logger = new Logger('McpConnection');
  private client?: Client;
  private attempt?: Promise<void>;
  private retryTimer?: NodeJS.Timeout;
  private retryMs = FIRST_RETRY_MS;
  private closed = false;
  private toolList: ServerTool[] = [];
  private status: ServerHealth = { state: 'connecting', error: null, tools_count: 0, checked_at: null };

  constructor(
    readonly server: McpServer,
    private readonly options: ConnectionOptions,
  ) {
    if (!server.enabled) this.status = { ...this.status, state: 'disabled' };
    else if (options.refusal) this.status = { ...this.status, state: 'failed', error: options.refusal };
  }

  private get blocked(): boolean {
    return this.options.refusal !== undefined;
  }

  get health(): ServerHealth {
    return { ...this.status, tools_count: this.tools.length };
  }

  get connected(): boolean {
    return this.status.state === 'connected';
  }

  get tools(): readonly ServerTool[] {
    return this.connected ? this.toolList : [];
  }

  /**
   * Resolves once connected, or once the current attempt failed; a server
   * waiting for its next retry is not tried sooner (refresh does that).
   */
  ready(): Promise<void> {
    if (this.closed || !this.server.enabled || this.blocked || this.connected) return Promise.resolve();
    if (this.attempt) return this.attempt;
    if (this.retryTimer) return Promise.resolve();
    return this.connect();
  }

  /** Drops the connection and connects again now, back-off forgotten. */
  async refresh(): Promise<void> {
    if (this.closed || !this.server.enabled || this.blocked) return;
    await this.attempt;
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    this.retryMs = FIRST_RETRY_MS;
    await this.disconnect();
    await this.connect();
  }

  async call(tool: string, args: Record<string, unknown>, signal: AbortSignal): Promise<CallResult> {
    const client = this.client;
    if (!client || !this.connected) throw new Error(`server ${this.server.name} is not connected`);
    const result = await client.callTool({ name: tool, arguments: args }, undefined, {
      signal,
      timeout: this.options.timeoutMs,
      // Asking for progress: a tool that reports it is working is not cut by the timeout between reports
      // (the answer's own deadline, LLM_MAX_GENERATION_TIME, still bounds the whole call).
      onprogress: () => undefined,
      resetTimeoutOnProgress: true,
    });
    return { content: Array.isArray(result.content) ? (result.content as { type: string }[]) : [], isError: result.isError === true };
  }

  /** Masks every secret of this server in an error message. */
  describe(error: unknown): string {
    // A value and its last word: "Bearer <token>" may be quoted as the token alone.
    // (A URL holding credentials is refused at registration: the secrets are these values only.)
    const secrets = Object.values(this.options.secrets).flatMap((value) => [value, value.split(/\s+/).pop() ?? '']);
    return shortError(error, secrets);
  }

  /** For good: stdio children are killed, no retry follows. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retryTimer);
    await this.disconnect();
  }

  private connect(): Promise<void> {
    this.attempt = this.tryConnect().finally(() => (this.attempt = undefined));
    return this.attempt;
  }

  private async tryConnect(): Promise<void> {
    this.status = { ...this.status, state: 'connecting', error: null };
    const client = new Client(CLIENT_INFO, { capabilities: {} });
    try {
      const transport = this.transport();
      await client.connect(transport, { timeout: this.options.timeoutMs });
      if (this.closed) throw new Error('closed');
      this.client = client;
      client.onclose = () => this.lost(client);
      if (client.getServerCapabilities()?.tools?.listChanged) {
        client.setNotificationHandler(ToolListChangedNotificationSchema, () => void this.relist(client));
      }
      this.toolList = await this.listTools(client);
      this.status = { state: 'connected', error: null, tools_count: this.toolList.length, checked_at: new Date() };
      this.retryMs = FIRST_RETRY_MS;
    } catch (error) {
      this.client = undefined;
      client.onclose = undefined;
      await client.close().catch(() => undefined);
      this.failed(this.describe(error));
    }
  }

  private transport(): Transport {
    const { server, options } = this;
    if (server.transport === 'stdio') {
      if (!server.command) throw new Error('no command');
      // The child gets a minimal environment (PATH, HOME...) and its own variables, never ours.
      return new StdioClientTransport({ command: server.command, args: server.args, env: { ...getDefaultEnvironment(), ...options.secrets }, stderr: 'ignore' });
    }
    if (!server.url) throw new Error('no url');
    return new StreamableHTTPClientTransport(new URL(server.url), { requestInit: { headers: options.secrets } });
  }

  private async listTools(client: Client): Promise<ServerTool[]> {
    const tools: ServerTool[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < MAX_TOOL_PAGES; page++) {
      const listed = await client.listTools(cursor ? { cursor } : undefined, { timeout: this.options.timeoutMs });
      for (const tool of listed.tools) {
        tools.push({ name: tool.name, description: tool.description ?? '', inputSchema: tool.inputSchema as Record<string, unknown> });
      }
      cursor = listed.nextCursor;
      if (!cursor) break;
    }
    return tools;
  }

  /** notifications/tools/list_changed: the new list replaces the old one; a failure keeps the old one. */
  private async relist(client: Client): Promise<void> {
    try {
      const tools = await this.listTools(client);
      if (client === this.client) this.toolList = tools;
      this.status = { ...this.status, checked_at: new Date() };
    } catch (error) {
      this.logger.warn({ server: this.server.name, error: this.describe(error) }, 'Could not list the tools again after a change');
    }
  }

  private lost(client: Client): void {
    if (client !== this.client || this.closed) return;
    this.client = undefined;
    this.failed('connection lost');
  }

  private failed(error: string): void {
    this.status = { state: 'failed', error, tools_count: 0, checked_at: new Date() };
    if (this.closed) return;
    this.logger.warn({ server: this.server.name, error, retryInMs: this.retryMs }, 'MCP server unavailable');
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.ready();
    }, this.retryMs);
    this.retryTimer.unref();
    this.retryMs = Math.min(this.retryMs * 2, MAX_RETRY_MS);
  }

  private async disconnect(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) {
      client.onclose = undefined;
      await client.close().catch(() => undefined);
    }
  }
}
