import { workerOfSid } from './engine-sid';

/** Longest first chunk the primary waits for to see a request line; longer lines are not Engine.IO's. */
export const MAX_REQUEST_LINE_BYTES = 8192;

/** The first line of an HTTP/1 request is in `head` (or never will be in a usable size). */
export function requestLineReady(head: Buffer): boolean {
  return head.includes(0x0a) || head.length >= MAX_REQUEST_LINE_BYTES;
}

/** The target of the request line (`GET /ws/socket.io/?sid=... HTTP/1.1`), or undefined for anything else. */
export function requestTarget(head: Buffer): string | undefined {
  const end = head.indexOf(0x0a);
  if (end < 0) return undefined;
  const line = head.subarray(0, end).toString('latin1').trimEnd();
  const match = /^[A-Z]+ (\S+) HTTP\/1\.[01]$/.exec(line);
  return match?.[1];
}

/**
 * The worker that holds the Engine.IO session a request belongs to: only for
 * requests under the socket path whose `sid` names a worker. Everything else
 * (handshakes, the HTTP API) may go to any worker.
 */
export function sessionWorker(target: string, socketPath: string): number | undefined {
  const query = target.indexOf('?');
  if (query < 0) return undefined;
  const path = target.slice(0, query);
  if (path !== socketPath && !path.startsWith(`${socketPath}/`)) return undefined;
  const sid = new URLSearchParams(target.slice(query + 1)).get('sid');
  return sid === null ? undefined : workerOfSid(sid);
}
