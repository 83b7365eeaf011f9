import { readFile } from 'node:fs/promises';
import { parentPort, workerData } from 'node:worker_threads';
import { extractDocument } from '../extract-document';
import { ExtractionError } from '../extraction.errors';
import type { ExtractionTask, OcrAnswer, ThreadMessage } from './extraction-messages';
import { chunkPages } from '#text';

// The heap has its own hard limit (resourceLimits); buffers live outside it, under the same amount, checked this often.
const MEMORY_CHECK_MS = 50;

const port = parentPort!;
const task = workerData as ExtractionTask;
const send = (message: ThreadMessage) => port.postMessage(message);

const ocrWaiting = new Map<number, (text: string) => void>();
let ocrCount = 0;
port.on('message', ({ id, text }: OcrAnswer) => {
  ocrWaiting.get(id)?.(text);
  ocrWaiting.delete(id);
});

/** OCR runs in the process's shared pool; the process ends this thread if it fails. */
function ocr(image: Buffer): Promise<string> {
  const id = ocrCount++;
  return new Promise((resolve) => {
    ocrWaiting.set(id, resolve);
    send({ type: 'ocr', id, image });
  });
}

const memoryBytes = task.memoryMb * 1024 * 1024;
setInterval(() => {
  if (process.memoryUsage().external > memoryBytes) send({ type: 'memory' });
}, MEMORY_CHECK_MS).unref();

async function run(): Promise<void> {
  const buffer = await readFile(task.filePath);
  const pages = await extractDocument(buffer, task.kind, {
    limits: task.limits,
    ocr,
    progress: (fraction) => send({ type: 'progress', fraction }),
  });
  send({ type: 'done', pages, chunks: chunkPages(pages, task.chunking) });
}

run().catch((error: unknown) =>
  send({
    type: 'failed',
    reason: error instanceof ExtractionError ? error.message : undefined,
    detail: error instanceof Error ? (error.stack ?? error.message) : String(error),
  }),
);
