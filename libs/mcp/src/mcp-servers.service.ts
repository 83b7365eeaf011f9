import { Inject, Injectable } from '@nestjs/common';
import { AuditLog } from '#audit';
import type { AuthUser } from '#auth';
import { BadRequestError, ConflictError, NotFoundError, ValidationError } from '#common';
import type { FieldProblem } from '#common';
import { APP_CONFIG, redactUrl } from '#config';
import type { AppConfig } from '#config';
import { McpServerNameTakenError, McpServersRepository } from '#database';
import type { McpServer, McpServerFields } from '#database';
import type { CreateMcpServerDto, UpdateMcpServerDto } from './dto/mcp-server.dto';
import { McpClients } from './mcp-clients';
import { McpSecrets } from './mcp-secrets';
import { McpServerResponse, McpToolResponse, presentServer } from './mcp-server.presenter';

const HEADER_NAME = /^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,100}$/;
const MAX_SECRETS = 32;
const MAX_SECRET_CHARS = 8000;

/** The admins' registry of MCP servers: what each needs is checked, secrets sealed, every change audited and applied on every instance. */
@Injectable()
export class McpServersService {
  constructor(
    private readonly servers: McpServersRepository,
    private readonly clients: McpClients,
    private readonly secrets: McpSecrets,
    private readonly audit: AuditLog,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async list(): Promise<McpServerResponse[]> {
    const rows = await this.servers.list();
    return Promise.all(rows.map(async (server) => presentServer(server, await this.clients.health(server))));
  }

  async get(id: number): Promise<McpServerResponse> {
    const server = await this.found(id);
    return presentServer(server, await this.clients.health(server));
  }

  async create(user: AuthUser, body: CreateMcpServerDto): Promise<McpServerResponse> {
    const headers = this.sealed('headers', body.headers ?? {});
    const env = this.sealed('env', body.env ?? {});
    const fields = this.checked({
      name: body.name,
      transport: body.transport,
      url: body.url ?? null,
      command: body.command ?? null,
      args: body.args ?? [],
      enabled: body.enabled ?? true,
      visibility: body.visibility ?? 'admin',
      headers_encrypted: headers.encrypted,
      header_names: headers.names,
      env_encrypted: env.encrypted,
      env_names: env.names,
    });
    const server = await this.servers.insert(fields).catch(renameConflict);
    await this.audit.record({ action: 'mcp_server.create', actor: user, target: target(server), details: auditDetails(server) });
    return this.applied(server.id);
  }

  async update(user: AuthUser, id: number, body: UpdateMcpServerDto): Promise<McpServerResponse> {
    const current = await this.found(id);
    const changes: Partial<McpServerFields> = {};
    for (const key of ['name', 'transport', 'url', 'command', 'args', 'enabled', 'visibility'] as const) {
      if (body[key] !== undefined) Object.assign(changes, { [key]: body[key] });
    }
    if (body.headers !== undefined) {
      const headers = this.sealed('headers', body.headers ?? {});
      Object.assign(changes, { headers_encrypted: headers.encrypted, header_names: headers.names });
    }
    if (body.env !== undefined) {
      const env = this.sealed('env', body.env ?? {});
      Object.assign(changes, { env_encrypted: env.encrypted, env_names: env.names });
    }
    const next = this.checked({ ...current, ...changes });
    // A server moved to the other transport keeps nothing of the old one.
    if (next.transport === 'http') Object.assign(changes, { command: null, args: [], env_encrypted: null, env_names: [] });
    else Object.assign(changes, { url: null, headers_encrypted: null, header_names: [] });
    await this.servers.update(id, changes).catch(renameConflict);
    const updated = await this.found(id);
    await this.audit.record({ action: 'mcp_server.update', actor: user, target: target(updated), details: { changed: Object.keys(body).sort(), ...auditDetails(updated) } });
    return this.applied(id);
  }

  /** Its grants go with it; every instance disconnects it. */
  async remove(user: AuthUser, id: number): Promise<void> {
    const server = await this.found(id);
    await this.servers.delete(id);
    await this.clients.changed(id);
    await this.audit.record({ action: 'mcp_server.delete', actor: user, target: target(server) });
  }

  /** The tools it lists, as this instance last read them (connecting first if needed). */
  async tools(id: number): Promise<McpToolResponse[]> {
    await this.found(id);
    const connection = await this.clients.connection(id);
    await connection?.ready();
    return (connection?.tools ?? []).map((tool) => ({ name: tool.name, description: tool.description, input_schema: tool.inputSchema }));
  }

  /** Reconnects now (back-off forgotten) and lists the tools again. */
  async refresh(id: number): Promise<McpServerResponse> {
    const server = await this.found(id);
    await (await this.clients.connection(id))?.refresh();
    return presentServer(server, await this.clients.health(server));
  }

  /** After a change: reopened on every instance; the response tells how the first attempt here went. */
  private async applied(id: number): Promise<McpServerResponse> {
    await this.clients.changed(id);
    return this.get(id);
  }

  private async found(id: number): Promise<McpServer> {
    const server = await this.servers.findById(id);
    if (!server) throw new NotFoundError('MCP server not found');
    return server;
  }

  /** What each transport needs; a local command only while MCP_ALLOW_STDIO is on. */
  private checked<T extends McpServerFields>(fields: T): T {
    const problems: FieldProblem[] = [];
    if (fields.transport === 'stdio') {
      if (!this.config.mcp.allowStdio) throw new BadRequestError('stdio servers are off: set MCP_ALLOW_STDIO=true to run local commands');
      if (!fields.command?.trim()) problems.push({ loc: ['body', 'command'], msg: 'command is required for the stdio transport' });
    } else {
      const url = parseUrl(fields.url);
      if (!fields.url) problems.push({ loc: ['body', 'url'], msg: 'url is required for the http transport' });
      else if (!url || !['http:', 'https:'].includes(url.protocol)) problems.push({ loc: ['body', 'url'], msg: 'url must be an http or https URL' });
      else if (url.username || url.password) problems.push({ loc: ['body', 'url'], msg: 'url must not hold credentials: send them in headers (e.g. Authorization), which are kept encrypted' });
    }
    if (problems.length > 0) throw new ValidationError(problems);
    return fields;
  }

  private sealed(kind: 'headers' | 'env', values: Record<string, string>): { encrypted: string | null; names: string[] } {
    const names = Object.keys(values);
    const pattern = kind === 'headers' ? HEADER_NAME : ENV_NAME;
    const problems: FieldProblem[] = [];
    if (names.length > MAX_SECRETS) problems.push({ loc: ['body', kind], msg: `${kind} may hold at most ${MAX_SECRETS} entries` });
    for (const name of names) {
      const value = values[name];
      if (!pattern.test(name)) problems.push({ loc: ['body', kind, name], msg: `${name} is not a valid ${kind === 'headers' ? 'header' : 'variable'} name` });
      else if (typeof value !== 'string' || value.length > MAX_SECRET_CHARS) problems.push({ loc: ['body', kind, name], msg: `the value of ${name} must be a string of at most ${MAX_SECRET_CHARS} characters` });
    }
    if (problems.length > 0) throw new ValidationError(problems);
    return { encrypted: this.secrets.seal(values), names };
  }
}

function parseUrl(url: string | null): URL | undefined {
  try {
    return url ? new URL(url) : undefined;
  } catch {
    return undefined;
  }
}

function renameConflict(error: unknown): never {
  if (error instanceof McpServerNameTakenError) throw new ConflictError('An MCP server with this name exists');
  throw error;
}

const target = (server: McpServer) => ({ type: 'mcp_server' as const, id: server.id, label: server.name });

/** What changed, without a secret: names of headers and variables, never their values. */
function auditDetails(server: McpServer): Record<string, unknown> {
  return {
    name: server.name,
    transport: server.transport,
    url: server.url === null ? null : redactUrl(server.url),
    header_names: server.header_names,
    command: server.command,
    env_names: server.env_names,
    enabled: server.enabled,
    visibility: server.visibility,
  };
}
