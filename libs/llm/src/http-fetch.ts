import { Agent as HttpAgent, IncomingMessage, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';

export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);

function responseHeaders(message: IncomingMessage): Headers {
  const headers = new Headers();
  for (let i = 0; i < message.rawHeaders.length; i += 2) headers.append(message.rawHeaders[i], message.rawHeaders[i + 1]);
  return headers;
}

async function requestBody(body: RequestInit['body']): Promise<string | Buffer | undefined> {
  if (body === undefined || body === null) return undefined;
  return typeof body === 'string' ? body : Buffer.from(await new Response(body).arrayBuffer());
}

/**
 * A fetch over node:http for the model providers' SDK. An abort destroys the request's socket and
 * nothing else: Node's built-in fetch (undici) then opens a fresh connection to the upstream and leaves
 * it idle for ~4 s, so a stalled provider still saw us connected long after our timeout had fired.
 * Finished requests' connections are kept alive for reuse (Node honours the server's Keep-Alive hint).
 */
export function createHttpFetch(): Fetch {
  const agents = {
    'http:': new HttpAgent({ keepAlive: true, scheduling: 'lifo', timeout: 5000 }),
    'https:': new HttpsAgent({ keepAlive: true, scheduling: 'lifo', timeout: 5000 }),
  };
  return async (input, init = {}) => {
    const url = new URL(input instanceof Request ? input.url : input);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new TypeError(`Unsupported protocol ${url.protocol}`);
    const body = await requestBody(init.body);
    const signal = init.signal ?? undefined;
    signal?.throwIfAborted();
    return new Promise<Response>((resolve, reject) => {
      const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
      const headers = new Headers(init.headers);
      if (body !== undefined) headers.set('content-length', String(Buffer.byteLength(body)));
      const request = send(url, {
        method: init.method ?? 'GET',
        headers: Object.fromEntries(headers),
        agent: agents[url.protocol as keyof typeof agents],
      });
      let response: IncomingMessage | undefined;
      // An AbortError, as fetch gives, so the SDK sees an abort rather than a reset connection.
      const abort = () => {
        const error = new DOMException('This operation was aborted', 'AbortError');
        response?.destroy(error);
        request.destroy(error);
      };
      signal?.addEventListener('abort', abort, { once: true });
      request.once('close', () => signal?.removeEventListener('abort', abort));
      request.on('error', reject);
      request.once('response', (message) => {
        response = message;
        const stream = NULL_BODY_STATUSES.has(message.statusCode ?? 0) ? null : (Readable.toWeb(message) as ReadableStream<Uint8Array>);
        resolve(
          new Response(stream, {
            status: message.statusCode,
            statusText: message.statusMessage,
            headers: responseHeaders(message),
          }),
        );
      });
      request.end(body);
    });
  };
}
