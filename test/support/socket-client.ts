import { io } from 'socket.io-client';
import type { Socket } from 'socket.io-client';
import type {
  Ack,
  ClientAck,
  ClientEventName,
  ClientPayload,
  ClientToServerEvents,
  ServerEvents,
  ServerToClientEvents,
} from '#realtime';

/** A client socket typed by #realtime's event maps: a payload that breaks an event's contract does not compile. */
export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/** What a test can wait for: a server event's payload, or the reason of a disconnect. */
type Received = ServerEvents & { disconnect: Socket.DisconnectReason };

export interface ConnectOptions {
  auth?: Record<string, unknown>;
  headers?: Record<string, string>;
  query?: Record<string, string>;
}

/** Connects as a browser client would; resolves once `connected` arrives, rejects on refusal. */
export function connectSocket(url: string, options: ConnectOptions): Promise<{ socket: ClientSocket; sid: string }> {
  const socket: ClientSocket = io(url, {
    path: '/ws/socket.io',
    transports: ['websocket'],
    reconnection: false,
    forceNew: true,
    auth: options.auth,
    extraHeaders: options.headers,
    query: options.query,
  });
  return new Promise((resolve, reject) => {
    socket.once('connected', (payload) => resolve({ socket, sid: payload.sid }));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}

/** Emits a client event with the payload its map declares, and returns the ack. */
export function request<E extends ClientEventName>(socket: ClientSocket, event: E, payload: ClientPayload<E>): Promise<Ack<ClientAck<E>>> {
  return requestRaw(socket, event, payload);
}

/** The ack of a request that must succeed: a refusal fails the test with its detail. */
export async function requestOk<E extends ClientEventName>(
  socket: ClientSocket,
  event: E,
  payload: ClientPayload<E>,
): Promise<{ ok: true } & ClientAck<E>> {
  const ack = await request(socket, event, payload);
  if (!ack.ok) throw new Error(`${event} refused: ${JSON.stringify(ack.detail)}`);
  return ack;
}

/** Emits a payload that breaks the event's contract on purpose (malformed or hostile input). */
export function requestRaw<T = Record<string, unknown>>(socket: ClientSocket, event: ClientEventName, payload: unknown): Promise<T> {
  return (socket as Socket).timeout(5000).emitWithAck(event, payload) as Promise<T>;
}

/** Collects the payloads of `event` until `until` says stop. */
export function collect<E extends keyof Received>(
  socket: ClientSocket,
  event: E,
  until: (payload: Received[E], all: Received[E][]) => boolean,
  timeoutMs = 10_000,
): Promise<Received[E][]> {
  // Untyped inside: the payload type comes from the map, by the event's name.
  const untyped = socket as Socket;
  const name: string = event;
  const all: Received[E][] = [];
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      untyped.off(name, listener as (payload: unknown) => void);
      reject(new Error(`timed out waiting for ${event}; got ${all.length}`));
    }, timeoutMs);
    const listener = (payload: Received[E]) => {
      all.push(payload);
      if (until(payload, all)) {
        clearTimeout(timer);
        untyped.off(name, listener as (payload: unknown) => void);
        resolve(all);
      }
    };
    untyped.on(name, listener as (payload: unknown) => void);
  });
}

/** Resolves with the first `event` payload, or rejects after timeoutMs. */
export function once<E extends keyof Received>(socket: ClientSocket, event: E, timeoutMs = 5000): Promise<Received[E]> {
  return collect(socket, event, () => true, timeoutMs).then((all) => all[0]);
}
