import * as path from 'node:path';

/** What the primary tells a worker through its environment. */
export const WORKER_ENV = {
  /** The worker's index, 0 to WEB_CONCURRENCY-1; a replaced worker gets the index of the one it replaces. */
  index: 'FOYERGPT_WORKER_INDEX',
  /** Set when the primary already validated the settings, reached Redis and migrated the database. */
  bootDone: 'FOYERGPT_BOOT_DONE',
  /** Private folder (mode 0700) of the workers' own sockets, for requests of a session held by another worker. */
  socketDir: 'FOYERGPT_WORKER_SOCKETS',
} as const;

/** Primary → worker: a client connection, with the bytes the primary read from it to route it. */
export interface ConnectionMessage {
  type: 'foyergpt:connection';
  /** Base64 of the first chunk; base64 because the IPC channel carries JSON text and the bytes may be any. */
  head: string;
}

/** Worker → primary: the app is up and takes connections. */
export interface ReadyMessage {
  type: 'foyergpt:ready';
}

export function isConnectionMessage(message: unknown): message is ConnectionMessage {
  return (message as ConnectionMessage | null)?.type === 'foyergpt:connection' && typeof (message as ConnectionMessage).head === 'string';
}

export function isReadyMessage(message: unknown): message is ReadyMessage {
  return (message as ReadyMessage | null)?.type === 'foyergpt:ready';
}

/** Where worker `index` also listens, so that its peers can pass it requests of its own sessions. */
export function workerSocketPath(socketDir: string, index: number): string {
  return path.join(socketDir, `worker-${index}.sock`);
}
