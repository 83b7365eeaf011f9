import * as http from 'node:http';
import { sessionWorker } from './request-routing';

type RequestListener = (request: http.IncomingMessage, response: http.ServerResponse) => void;

/** engine.io's answer to a sid it does not hold; the client then opens a new session. */
const UNKNOWN_SESSION = JSON.stringify({ code: 1, message: 'Session ID unknown' });
export const VIA = '1.1 foyergpt-worker';

function forward(request: http.IncomingMessage, response: http.ServerResponse, ownerSocket: string, maxBodyBytes: number): void {
  // A connection per request (agent: false): the owner closes each polling connection anyway, and a pooled
  // one it has just closed would fail the write (EPIPE).
  const upstream = http.request({ socketPath: ownerSocket, method: request.method, path: request.url, headers: request.headers, agent: false });
  upstream.on('response', (answer) => {
    // As an HTTP intermediary does (RFC 9110 §7.6.3); it also shows a test which requests took this detour.
    response.writeHead(answer.statusCode ?? 502, { ...answer.headers, via: VIA });
    answer.pipe(response);
  });
  let tooLarge = false;
  upstream.on('error', () => {
    if (tooLarge) return;
    if (response.headersSent) {
      response.destroy();
      return;
    }
    response.writeHead(400, { 'Content-Type': 'application/json', Connection: 'close' });
    response.end(UNKNOWN_SESSION);
  });
  // A client that goes away mid-poll frees the owner's request too.
  response.on('close', () => {
    if (!response.writableFinished) upstream.destroy();
  });
  // Sent whole, with the headers in one write: the owner answers and closes the connection as soon as it
  // has the body, and a streamed body's last write could then fail (EPIPE) before the answer is read.
  // Held in memory, so bounded as the owner bounds it (maxHttpBufferSize).
  const body: Buffer[] = [];
  let size = 0;
  request.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size <= maxBodyBytes) body.push(chunk);
    else if (!tooLarge) {
      tooLarge = true;
      upstream.destroy();
      response.writeHead(413, { Connection: 'close' }).end();
    }
  });
  request.on('end', () => {
    if (size <= maxBodyBytes) upstream.end(Buffer.concat(body));
  });
}

/**
 * A keep-alive connection stays with the worker that got its first request.
 * When a browser reuses one (first used for the HTTP API) for a long-poll of
 * a session held by another worker, this worker passes that one request to
 * the owner over the owner's private socket. Installed in front of every
 * 'request' listener (engine.io's and the app's), after the app is initialised.
 */
export function passForeignSessionRequests(
  server: http.Server,
  ownIndex: number,
  socketPath: string,
  ownerSocketOf: (index: number) => string,
  maxBodyBytes: number,
): void {
  const listeners = server.listeners('request') as RequestListener[];
  server.removeAllListeners('request');
  server.on('request', (request: http.IncomingMessage, response: http.ServerResponse) => {
    const owner = request.url === undefined ? undefined : sessionWorker(request.url, socketPath);
    if (owner !== undefined && owner !== ownIndex) {
      forward(request, response, ownerSocketOf(owner), maxBodyBytes);
      return;
    }
    for (const listener of listeners) listener.call(server, request, response);
  });
}
