import { Inject, Injectable, Logger } from '@nestjs/common';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { DocumentsRepository } from '#database';
import type { Document } from '#database';
import { OnJob } from '#jobs';
import { RealtimePublisher } from '#realtime';
import type { DocumentStatusPayload } from '#realtime';
import { ChunkIndexer } from '#retrieval';
import { DocumentStorage } from '../storage/document-storage';
import type { DocumentKind } from './detect-type';
import type { ExtractedPage } from './extract-document';
import { ExtractionError } from './extraction.errors';
import { OcrPool, OcrStoppedError } from './ocr-pool';
import type { ExtractionResult } from './thread/extraction-messages';
import { runExtraction } from './thread/run-extraction';

export const DOCUMENT_EXTRACTION_JOB = 'documents.extract';
const PROGRESS_INTERVAL_MS = 500;
// How often a running extraction checks that its document was not deleted meanwhile.
const DELETION_CHECK_MS = 2000;
// Pages per INSERT: each statement is its own short transaction.
const PAGE_BATCH = 100;

function kindOf(mime: string): DocumentKind {
  if (mime === 'application/pdf') return 'pdf';
  if (mime.startsWith('image/')) return 'image';
  if (mime.startsWith('text/')) return 'text';
  return 'docx';
}

class JobTimeout extends Error {}

/** The document was deleted while being read: nothing is left to store or report. */
class DocumentGone extends Error {}

/**
 * pending → processing → ready | failed. Reading and chunking run in a thread
 * with its own memory limit; results are written in short batches after it and
 * removed again if the document fails. A document that cannot be read (damaged,
 * too big, no text) fails with a reason and is not retried; an unexpected crash
 * fails it too, and the queue retries it a bounded number of times. Stopped
 * mid-OCR by a shutdown, it goes back to pending and is read again.
 */
@Injectable()
export class DocumentExtractionJob {
  private readonly logger = new Logger('DocumentExtraction');

  constructor(
    private readonly documents: DocumentsRepository,
    private readonly storage: DocumentStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly realtime: RealtimePublisher,
    private readonly ocr: OcrPool,
    private readonly chunks: ChunkIndexer,
  ) {}

  @OnJob({ name: DOCUMENT_EXTRACTION_JOB })
  async handle({ documentId }: { documentId: number }): Promise<void> {
    const document = await this.documents.findById(documentId);
    if (!document || document.status === 'ready') return;
    // What an earlier attempt, cut short, may have written.
    await this.documents.discardExtraction(document.id);
    await this.documents.update(document.id, { status: 'processing', error: null });
    this.publish(document, { status: 'processing', progress: 0 });
    try {
      const { pages, chunks } = await this.extract(document);
      await this.store(document.id, pages, chunks);
      await this.markReady(document, pages);
    } catch (error) {
      await this.fail(document, error);
    }
  }

  private async extract(document: Document): Promise<ExtractionResult> {
    const limits = this.config.documents;
    const stop = new AbortController();
    const timer = setTimeout(() => stop.abort(new JobTimeout()), limits.jobTimeoutSeconds * 1000);
    const deletionCheck = setInterval(() => {
      this.documents.exists(document.id).then(
        (exists) => {
          if (!exists) stop.abort(new DocumentGone());
        },
        (error: unknown) => this.logger.warn({ err: error, document_id: document.id }, 'Could not check the document still exists'),
      );
    }, DELETION_CHECK_MS);
    let lastProgress = 0;
    try {
      return await runExtraction(
        {
          filePath: this.storage.pathOf(document.file_path),
          kind: kindOf(document.mime_type),
          limits,
          chunking: { chunkTokens: this.config.retrieval.chunkTokens, overlapTokens: this.config.retrieval.chunkOverlapTokens },
          memoryMb: limits.jobMemoryMb,
        },
        {
          signal: stop.signal,
          ocr: (image) => this.ocr.recognize(image),
          progress: (fraction) => {
            if (Date.now() - lastProgress < PROGRESS_INTERVAL_MS) return;
            lastProgress = Date.now();
            this.publish(document, { status: 'processing', progress: fraction });
          },
        },
      );
    } finally {
      clearTimeout(timer);
      clearInterval(deletionCheck);
    }
  }

  private async store(documentId: number, pages: ExtractedPage[], chunks: ExtractionResult['chunks']): Promise<void> {
    for (let start = 0; start < pages.length; start += PAGE_BATCH) {
      await this.documents.insertPages(documentId, pages.slice(start, start + PAGE_BATCH));
      // The embedded database runs on this thread: requests get their turn between statements.
      await nextTurn();
    }
    await this.chunks.insert(documentId, chunks);
  }

  private async markReady(document: Document, pages: ExtractedPage[]): Promise<void> {
    await this.documents.update(document.id, {
      status: 'ready',
      error: null,
      page_count: pages.length,
      char_count: pages.reduce((sum, page) => sum + page.text.length, 0),
      ocr_used: pages.some((page) => page.ocr),
      processed_at: new Date(),
    });
    this.publish(document, { status: 'ready', progress: 1 });
    // Lexical search works already; vectors come on top. If the provider fails,
    // the embeddings job fills them in later.
    await this.chunks
      .embedMissing(document.id)
      .catch((error: unknown) => this.logger.warn({ err: error, document_id: document.id }, 'Embedding failed; will retry later'));
  }

  private async fail(document: Document, error: unknown): Promise<void> {
    // Deleted meanwhile (writes then fail on the missing row): its rows went with it.
    if (error instanceof DocumentGone || !(await this.documents.exists(document.id))) {
      this.logger.log({ document_id: document.id }, 'Document deleted while being read; stopped');
      return;
    }
    await this.documents.discardExtraction(document.id);
    if (error instanceof OcrStoppedError) {
      await this.documents.update(document.id, { status: 'pending' });
      this.publish(document, { status: 'pending', progress: 0 });
      throw error;
    }
    const reason =
      error instanceof ExtractionError
        ? error.message
        : error instanceof JobTimeout
          ? `Reading the document took longer than ${this.config.documents.jobTimeoutSeconds} s`
          : 'The document could not be processed';
    await this.documents.update(document.id, { status: 'failed', error: reason, processed_at: new Date() });
    this.publish(document, { status: 'failed', progress: 1, error: reason });
    if (!(error instanceof ExtractionError) && !(error instanceof JobTimeout)) {
      this.logger.error({ err: error, document_id: document.id }, 'Document extraction crashed');
      throw error;
    }
  }

  private publish(document: Document, event: Omit<DocumentStatusPayload, 'id'>): void {
    this.realtime.toUser(document.uploader_id).emit('document_status', { id: document.id, ...event });
  }
}
