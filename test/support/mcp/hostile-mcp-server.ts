import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small MCP server over Streamable HTTP (JSON responses), written by hand so
 * it can misbehave where a real one would not. Its tools:
 * - `slow`: answers after `slowMs` (longer than the tool timeout in tests),
 * - `huge`: returns `hugeBytes` of text,
 * - `junk`: answers the call with a body that is not JSON,
 * - `strict`: takes `{ n: integer }` only; records every call it gets, so a
 *   test can tell that invalid arguments were refused before reaching it.
 */
export class HostileMcpServer {
  /** Arguments of every `strict` call received. */
  readonly strictCalls: unknown[] = [];
  slowMs = 60_000;
  hugeBytes = 1_000_000;
  private readonly server = http.createServer((request, response) => this.handle(request, response));
  private readonly pending = new Set<NodeJS.Timeout>();

  static async start(): Promise<HostileMcpServer> {
    const hostile = new HostileMcpServer();
    await new Promise<void>((resolve) => hostile.server.listen(0, '127.0.0.1', resolve));
    return hostile;
  }

  get url(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/mcp`;
  }

  async close(): Promise<void> {
    this.pending.forEach(clearTimeout);
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }

  private handle(request: http.IncomingMessage, response: http.ServerResponse): void {
    // No server-to-client stream and no session to end: the client copes with both refusals.
    if (request.method !== 'POST') return void response.writeHead(405).end();
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const message = JSON.parse(body) as { id?: number | string; method: string; params?: Record<string, unknown> };
      if (message.id === undefined) return void response.writeHead(202).end();
      const reply = (result: unknown) => {
        response.writeHead(200, { 'Content-Type': 'application/json' });
        response.end(JSON.stringify({ jsonrpc: '2.0', id: message.id, result }));
      };
      switch (message.method) {
        case 'initialize':
          return reply({
            protocolVersion: message.params?.protocolVersion,
            capabilities: { tools: {} },
            serverInfo: { name: 'hostile', version: '1.0.0' },
          });
        case 'tools/list':
          return reply({ tools: TOOLS });
        case 'tools/call':
          return this.call(message.params as { name: string; arguments?: unknown }, reply, response);
        default:
          return reply({});
      }
    });
  }

  private call(params: { name: string; arguments?: unknown }, reply: (result: unknown) => void, response: http.ServerResponse): void {
    const text = (value: string) => reply({ content: [{ type: 'text', text: value }] });
    switch (params.name) {
      case 'slow': {
        const timer = setTimeout(() => {
          this.pending.delete(timer);
          if (!response.destroyed) text('finally');
        }, this.slowMs);
        this.pending.add(timer);
        return;
      }
      case 'huge':
        return text('x'.repeat(this.hugeBytes));
      case 'junk':
        response.writeHead(200, { 'Content-Type': 'application/json' });
        return void response.end('{"jsonrpc": "2.0", "id": oops not json');
      case 'strict':
        this.strictCalls.push(params.arguments);
        return text(`n is ${(params.arguments as { n: number }).n}`);
    }
  }
}

const TOOLS = [
  { name: 'slow', description: 'Answers after a long time', inputSchema: { type: 'object', properties: {} } },
  { name: 'huge', description: 'Answers with a megabyte of text', inputSchema: { type: 'object', properties: {} } },
  { name: 'junk', description: 'Answers with a body that is not JSON', inputSchema: { type: 'object', properties: {} } },
  {
    name: 'strict',
    description: 'Takes an integer',
    inputSchema: { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'], additionalProperties: false },
  },
];
