import { io } from 'socket.io-client';
import type { ClientSocket } from './socket-client';

/** A token event as the tests read it: first_seq is there when the server batches tokens. */
export interface Token {
  seq: number;
  first_seq?: number;
  delta: string;
}

/** Each token event continues the previous one: first_seq (when batched) or seq follows the last seq. */
export function expectContinuous(tokens: Token[], firstSeq = 1): void {
  let previous = firstSeq - 1;
  for (const token of tokens) {
    expect(token.first_seq ?? token.seq).toBe(previous + 1);
    previous = token.seq;
  }
}

/** A replay after `afterSeq`: its first event holds token afterSeq+1 (a batch may start before it), the rest follow on. */
export function expectReplayAfter(tokens: Token[], afterSeq: number): void {
  const [first, ...rest] = tokens;
  expect(first.first_seq ?? first.seq).toBeLessThanOrEqual(afterSeq + 1);
  expect(first.seq).toBeGreaterThan(afterSeq);
  expectContinuous(rest, first.seq + 1);
}

/** The worker an Engine.IO session id names (`<index>.<random>` in cluster mode). */
export function workerOfEngineId(id: string | undefined): number {
  const index = /^(\d+)\./.exec(id ?? '')?.[1];
  if (index === undefined) throw new Error(`engine id ${id} names no worker`);
  return Number(index);
}

/** The worker that holds this client's Engine.IO session. */
export function workerOfSocket(socket: ClientSocket): number {
  return workerOfEngineId((socket.io.engine as unknown as { id?: string }).id);
}

/** Connects with the given Engine.IO transports; resolves once `connected` arrives. */
export function connectWith(url: string, token: string, transports: string[]): Promise<ClientSocket> {
  const socket: ClientSocket = io(url, { path: '/ws/socket.io', transports, reconnection: false, forceNew: true, auth: { token } });
  return new Promise((resolve, reject) => {
    socket.once('connected', () => resolve(socket));
    socket.once('connect_error', (error) => {
      socket.close();
      reject(error);
    });
  });
}
