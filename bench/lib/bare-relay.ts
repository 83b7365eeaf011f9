/**
 * The floor of any streaming API on this machine: an HTTP server that passes
 * each request straight to the upstream and writes every chunk of the answer
 * back as it arrives (one read and one write per token), with no
 * authentication, storage, events, resume or parsing. Run as its own process:
 * `node dist/bench/lib/bare-relay.js <port> <upstream base URL>`.
 */
import * as http from 'node:http';

const [port, upstreamBase] = process.argv.slice(2);
const upstream = new URL(upstreamBase);
const agent = new http.Agent({ keepAlive: true, maxSockets: 10_000 });

http
  .createServer((request, response) => {
    const body: Buffer[] = [];
    request.on('data', (chunk: Buffer) => body.push(chunk));
    request.on('end', () => {
      const path = request.url === '/health' ? undefined : `${upstream.pathname.replace(/\/$/, '')}${request.url}`;
      if (!path) return response.end('ok');
      const forward = http.request({ host: upstream.hostname, port: upstream.port, path, method: request.method, headers: request.headers, agent }, (answer) => {
        response.writeHead(answer.statusCode ?? 502, { 'content-type': answer.headers['content-type'] ?? 'text/event-stream' });
        answer.on('data', (chunk: Buffer) => response.write(chunk));
        answer.on('end', () => response.end());
      });
      forward.on('error', () => response.destroy());
      forward.end(Buffer.concat(body));
    });
  })
  .listen(Number(port), '127.0.0.1');
