/** A named stream of messages of one type (the type rides along, for publishers and subscribers). */
export type Topic<T> = string & { readonly __message?: T };
export const topic = <T>(name: string) => name as Topic<T>;

/** A replay log: a topic's messages kept in order a while, for a reader arriving late. */
export type LogKey<T> = string & { readonly __entry?: T };
export const logKey = <T>(name: string) => name as LogKey<T>;

/** Where a published message is also appended. */
export interface LogAppend<T> {
  key: LogKey<T>;
  ttlSeconds: number;
  /** (Re)starts the log's time to live: at its first entry and its last, not on every one. */
  renewTtl: boolean;
}

export type Unsubscribe = () => Promise<void>;

/**
 * The one fan-out between processes: in this process alone, or through Redis
 * (REDIS_URL), chosen once by RealtimeModule. Subscribers in the publishing
 * process get a message at once, in process; every other process through Redis.
 * Socket rooms (RealtimePublisher), answer feeds and stop requests all ride it.
 */
export interface RealtimeBus {
  /**
   * Delivers to every subscriber of the topic. With `log`, the message is also
   * appended there first, so a reader who subscribes and then reads the log misses nothing.
   */
  publish<T>(topic: Topic<T>, message: T, log?: LogAppend<T>): Promise<void>;
  /** Resolves once messages from other processes reach the listener too. */
  subscribe<T>(topic: Topic<T>, listener: (message: T) => void): Promise<Unsubscribe>;
  /** The log's entries from index `from` (0-based) on, in order, those still being written included. */
  readLog<T>(key: LogKey<T>, from: number): Promise<T[]>;
}

export const REALTIME_BUS = Symbol('REALTIME_BUS');

/** Calls each listener, so a failing one neither stops the others nor reaches the publisher. */
export function deliver<T>(listeners: Iterable<(message: T) => void>, message: T, onError: (error: unknown) => void): void {
  for (const listener of listeners) {
    try {
      listener(message);
    } catch (error) {
      onError(error);
    }
  }
}
