import { io, Socket } from 'socket.io-client';

export interface ConnectOptions {
  auth?: Record<string, unknown>;
  headers?: Record<string, string>;
  query?: Record<string, string>;
}

/** Connects as a browser client would; resolves once `connected` arrives, rejects on refusal. */
export function connectSocket(url: string, options: ConnectOptions): Promise<{ socket: Socket; sid: string }> {
  const socket = io(url, {
    path: '/ws/socket.io',
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: options.auth,
    extraHeaders: options.headers,
    query: options.query,
  });
  return new Promise((resolve, reject) => {
    socket.once('connected', (payload: { sid: string }) => resolve({ socket, sid: payload.sid }));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** Emits with an acknowledgement and returns it. */
export function request<T = Record<string, unknown>>(socket: Socket, event: string, payload?: unknown): Promise<T> {
  return socket.timeout(5000).emitWithAck(event, payload) as Promise<T>;
}

/** Collects the payloads of `event` until `until` says stop. */
export function collect<T>(socket: Socket, event: string, until: (payload: T, all: T[]) => boolean, timeoutMs = 10_000): Promise<T[]> {
  const all: T[] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      socket.off(event, listener);
      reject(new Error(`timed out waiting for ${event}; got ${all.length}`));
    }, timeoutMs);
    const listener = (payload: T) => {
      all.push(payload);
      if (until(payload, all)) {
        clearTimeout(timer);
        socket.off(event, listener);
        resolve(all);
      }
    };
    socket.on(event, listener);
  });
}

/** Resolves with the first `event` payload, or rejects after timeoutMs. */
export function once<T>(socket: Socket, event: string, timeoutMs = 5000): Promise<T> {
  return collect<T>(socket, event, () => true, timeoutMs).then((all) => all[0]);
}
