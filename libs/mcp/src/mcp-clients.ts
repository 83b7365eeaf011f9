import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { McpServersRepository } from '#database';
import type { McpServer } from '#database';
import { REALTIME_BUS, topic } from '#realtime';
import type { RealtimeBus } from '#realtime';
import { McpConnection } from './mcp-connection';
import { McpSecrets } from './mcp-secrets';
import type { ServerHealth } from './server-tool';
import { shortError } from './short-error';

/** A server registered, changed or deleted on some instance (`origin`): every other instance reconnects it. */
const SERVER_CHANGES = topic<{ serverId: number; origin: string }>('mcp:servers');

/**
 * The connections of this instance to the registered servers: each enabled
 * server is connected at boot (in the background: a server down never holds
 * the boot) and otherwise on first use; a change made on any instance drops
 * and reopens it everywhere; all are closed at shutdown.
 */
@Injectable()
export class McpClients implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(McpClients.name);
  private readonly connections = new Map<number, McpConnection>();
  /** Rows being read for a connection not made yet, so two first uses read once. */
  private readonly loading = new Map<number, Promise<McpConnection | undefined>>();
  private readonly changeListeners: ((serverId: number) => void)[] = [];
  private stopped = false;
  /** Tells this instance's own change messages, already applied, from the others'. */
  private readonly instance = randomUUID();

  constructor(
    private readonly servers: McpServersRepository,
    private readonly secrets: McpSecrets,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(REALTIME_BUS) private readonly bus: RealtimeBus,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.bus.subscribe(SERVER_CHANGES, ({ serverId, origin }) => {
      if (origin !== this.instance) void this.reopen(serverId);
    });
    void this.connectEnabled();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    const open = [...this.connections.values()];
    this.connections.clear();
    await Promise.all(open.map((connection) => connection.close()));
  }

  /** The connection if this instance has it already: the hot path, no I/O. */
  peek(serverId: number): McpConnection | undefined {
    return this.connections.get(serverId);
  }

  /** The server's connection, made (not yet connected) from its row on first use; undefined for no such server. */
  connection(serverId: number): Promise<McpConnection | undefined> {
    const known = this.connections.get(serverId);
    if (known) return Promise.resolve(known);
    let pending = this.loading.get(serverId);
    if (!pending) {
      pending = this.servers
        .findById(serverId)
        .then((row) => (row && !this.stopped ? this.open(row) : undefined))
        .finally(() => this.loading.delete(serverId));
      this.loading.set(serverId, pending);
    }
    return pending;
  }

  /** This instance's view of the server; `disabled` needs no connection. */
  async health(server: McpServer): Promise<ServerHealth> {
    if (!server.enabled) return { state: 'disabled', error: null, tools_count: 0, checked_at: null };
    return (await this.connection(server.id))?.health ?? { state: 'connecting', error: null, tools_count: 0, checked_at: null };
  }

  /** After a change to the server's row (or its deletion): every instance drops its connection and opens the new one. */
  async changed(serverId: number): Promise<void> {
    await this.reopen(serverId);
    await this.bus.publish(SERVER_CHANGES, { serverId, origin: this.instance });
  }

  /** Called with the server's id after any change to it, on every instance. */
  onChange(listener: (serverId: number) => void): void {
    this.changeListeners.push(listener);
  }

  private open(row: McpServer): McpConnection {
    const existing = this.connections.get(row.id);
    if (existing) return existing;
    let secrets: Record<string, string> = {};
    let unreadable: string | undefined;
    try {
      secrets = this.secrets.open(row.transport === 'stdio' ? row.env_encrypted : row.headers_encrypted);
    } catch (error) {
      unreadable = `its secrets cannot be read (was MCP_SECRET_KEY changed?): ${shortError(error)}`;
    }
    const stdioOff = row.transport === 'stdio' && !this.config.mcp.allowStdio ? 'stdio servers are off (MCP_ALLOW_STDIO=false)' : undefined;
    const connection = new McpConnection(row, {
      secrets,
      refusal: stdioOff ?? unreadable,
      timeoutMs: this.config.mcp.toolTimeoutSeconds * 1000,
    });
    this.connections.set(row.id, connection);
    return connection;
  }

  private async reopen(serverId: number): Promise<void> {
    const old = this.connections.get(serverId);
    this.connections.delete(serverId);
    for (const listener of this.changeListeners) listener(serverId);
    await old?.close();
    if (this.stopped) return;
    try {
      await (await this.connection(serverId))?.ready();
    } catch (error) {
      this.logger.error({ err: error, serverId }, 'Could not reopen an MCP server');
    }
  }

  private async connectEnabled(): Promise<void> {
    try {
      const rows = await this.servers.listEnabled();
      await Promise.all(rows.map((row) => this.open(row).ready()));
    } catch (error) {
      this.logger.error({ err: error }, 'Could not connect the MCP servers at boot');
    }
  }
}
