import * as path from 'node:path';
import { ExtractionError } from '../extraction.errors';
import type { ExtractionResult, ExtractionTask, OcrAnswer, ThreadMessage } from './extraction-messages';
import { startThread } from './start-thread';

const THREAD_MODULE = path.join(__dirname, `extraction.thread${path.extname(__filename)}`);

export interface ExtractionHooks {
  /** Ends the thread (timeout, document deleted, shutdown); the run rejects with the signal's reason. */
  signal: AbortSignal;
  ocr: (image: Buffer) => Promise<string>;
  progress: (fraction: number) => void;
}

/**
 * Reads and chunks a document in a worker thread of its own, its heap and
 * buffers capped at `task.memoryMb`: a document that needs more fails with a
 * clear reason and the process lives. The parsing's CPU stays off the event loop.
 */
export function runExtraction(task: ExtractionTask, hooks: ExtractionHooks): Promise<ExtractionResult> {
  const memoryError = () => new ExtractionError(`Reading the document needs more than the ${task.memoryMb} MB of memory allowed`);
  const thread = startThread(THREAD_MODULE, {
    workerData: task,
    resourceLimits: { maxOldGenerationSizeMb: task.memoryMb },
  });
  return new Promise<ExtractionResult>((resolve, reject) => {
    let settled = false;
    const settle = (outcome: () => void) => {
      if (settled) return;
      settled = true;
      hooks.signal.removeEventListener('abort', abort);
      // Terminating cannot fail in a way worth handling; the outcome is already decided.
      void thread.terminate();
      outcome();
    };
    const fail = (error: unknown) => settle(() => reject(error));
    const abort = () => fail(hooks.signal.reason);
    hooks.signal.addEventListener('abort', abort, { once: true });
    if (hooks.signal.aborted) abort();

    thread.on('message', (message: ThreadMessage) => {
      switch (message.type) {
        case 'progress':
          return hooks.progress(message.fraction);
        case 'ocr': {
          const image = Buffer.from(message.image.buffer, message.image.byteOffset, message.image.byteLength);
          return void hooks.ocr(image).then((text) => thread.postMessage({ id: message.id, text } satisfies OcrAnswer), fail);
        }
        case 'done':
          return settle(() => resolve({ pages: message.pages, chunks: message.chunks }));
        case 'failed':
          return fail(message.reason ? new ExtractionError(message.reason) : new Error(`Document extraction crashed: ${message.detail}`));
        case 'memory':
          return fail(memoryError());
      }
    });
    // Checked by code: errors from a thread may come from another realm (e.g. under Jest).
    thread.on('error', (error) => fail((error as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY' ? memoryError() : error));
    thread.on('exit', (code) => fail(new Error(`The extraction thread stopped (exit code ${code})`)));
  });
}
