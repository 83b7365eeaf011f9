import { ChildProcess, spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { createServer, request, Server } from 'node:http';
import { AddressInfo, connect } from 'node:net';
import * as path from 'node:path';
import { freePort } from '../free-port';

/** server-everything's entry point (a devDependency), run with node: over stdio, or `streamableHttp` on PORT. */
export const EVERYTHING = path.resolve('node_modules/@modelcontextprotocol/server-everything/dist/index.js');

export interface HttpEverything {
  url: string;
  child: ChildProcess;
}

/** server-everything over Streamable HTTP, as a child process on a free port. */
export async function startHttpEverything(): Promise<HttpEverything> {
  const port = await freePort();
  const child = spawn(process.execPath, [EVERYTHING, 'streamableHttp'], { env: { ...process.env, PORT: String(port) }, stdio: 'ignore' });
  await untilListening(port, child);
  return { url: `http://127.0.0.1:${port}/mcp`, child };
}

function untilListening(port: number, child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`server-everything exited (${code})`)));
    const probe = () => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => (socket.destroy(), resolve()));
      socket.once('error', () => setTimeout(probe, 100));
    };
    probe();
  });
}

export interface JsonRpcMessage {
  id?: number | string;
  method?: string;
  params?: { name?: string; requestId?: number | string };
}

/**
 * Between our client and a Streamable HTTP server: passes everything through
 * unchanged and emits each JSON-RPC message the client posts, so a test sees
 * what the server received (a tools/call, then its notifications/cancelled).
 */
export async function startRecordingProxy(target: string): Promise<{ url: string; posted: EventEmitter; server: Server }> {
  const upstream = new URL(target);
  const posted = new EventEmitter();
  const server = createServer((incoming, outgoing) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const body = Buffer.concat(chunks);
      if (incoming.method === 'POST' && body.length > 0) {
        const parsed = JSON.parse(body.toString('utf8')) as JsonRpcMessage | JsonRpcMessage[];
        for (const message of [parsed].flat()) posted.emit('message', message);
      }
      const forwarded = request(
        { host: upstream.hostname, port: upstream.port, path: incoming.url, method: incoming.method, headers: { ...incoming.headers, host: upstream.host } },
        (response) => {
          outgoing.writeHead(response.statusCode ?? 502, response.headers);
          response.pipe(outgoing);
        },
      );
      forwarded.on('error', () => outgoing.destroy());
      forwarded.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${upstream.pathname}`, posted, server };
}

/** The first message posted that matches, from now on. */
export function nextPosted(posted: EventEmitter, matches: (message: JsonRpcMessage) => boolean): Promise<JsonRpcMessage> {
  return new Promise((resolve) => {
    const listener = (message: JsonRpcMessage) => {
      if (!matches(message)) return;
      posted.off('message', listener);
      resolve(message);
    };
    posted.on('message', listener);
  });
}

