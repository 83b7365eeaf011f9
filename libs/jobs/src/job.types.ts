/** A discovered @OnJob method. Handlers run in apps/worker, or in the API without Redis. */
export interface JobHandler<T = unknown> {
  readonly name: string;
  /** When set, whoever processes jobs also runs this one every so many seconds. */
  readonly everySeconds?: number;
  handle(payload: T): Promise<void>;
}

export interface EnqueueOptions {
  /** Tries before the job is given up (default 3), with exponential back-off. */
  attempts?: number;
  /** Deduplicates: a job whose id is already queued is not added again. */
  jobId?: string;
}

/** Whether queued jobs will run: readiness reports a queue nobody consumes. */
export interface JobQueueStatus {
  /** Processes taking jobs; the API itself when jobs run in-process. */
  consumers: number;
  waiting: number;
}

export interface JobQueue {
  enqueue(name: string, payload: unknown, options?: EnqueueOptions): Promise<void>;
  status(): Promise<JobQueueStatus>;
}

export const JOB_QUEUE = Symbol('JOB_QUEUE');
export const DEFAULT_ATTEMPTS = 3;
export const BACKOFF_BASE_MS = 1000;
export const QUEUE_NAME = 'jobs';

/** BullMQ's key prefix, under the app's own so tests and tenants can share a Redis. */
export function bullPrefix(redisKeyPrefix: string): string {
  return `${redisKeyPrefix}bull`;
}

/** Jobs one process runs at once (BullMQ worker and in-process queue alike): each extraction may use 2 × DOCUMENT_JOB_MEMORY_MB. */
export const JOB_CONCURRENCY = 4;
