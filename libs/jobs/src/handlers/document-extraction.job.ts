import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { APP_CONFIG } from '../../../config/src';
import type { AppConfig } from '../../../config/src';
import { Document, DocumentPage } from '../../../database/src';
import {
  DOCUMENT_STATUS,
  DocumentKind,
  extractDocument,
  ExtractionError,
  OcrPool,
} from '../../../documents/src';
import type { DocumentStatusPublisher, ExtractedPage } from '../../../documents/src';
import { ChunkIndexer } from '../../../retrieval/src';
import { JobHandler } from '../job.types';

export const DOCUMENT_EXTRACTION_JOB = 'documents.extract';
const PROGRESS_INTERVAL_MS = 500;

function kindOf(mime: string): DocumentKind {
  if (mime === 'application/pdf') return 'pdf';
  if (mime.startsWith('image/')) return 'image';
  if (mime.startsWith('text/')) return 'text';
  return 'docx';
}

class JobTimeout extends Error {}

/**
 * pending → processing → ready | failed. A document that cannot be read
 * (damaged, too big, no text) fails with a reason and is not retried; an
 * unexpected crash fails it too, and the queue retries it a bounded number of times.
 */
@Injectable()
export class DocumentExtractionJob implements JobHandler<{ documentId: number }> {
  readonly name = DOCUMENT_EXTRACTION_JOB;
  private readonly logger = new Logger('DocumentExtraction');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DOCUMENT_STATUS) private readonly status: DocumentStatusPublisher,
    private readonly ocr: OcrPool,
    private readonly chunks: ChunkIndexer,
  ) {}

  async handle({ documentId }: { documentId: number }): Promise<void> {
    const documents = this.dataSource.getRepository(Document);
    const document = await documents.findOneBy({ id: documentId });
    if (!document || document.status === 'ready') return;
    await documents.update(document.id, { status: 'processing', error: null });
    this.status.publish(document.uploader_id, { id: document.id, status: 'processing', progress: 0 });

    const limits = this.config.documents;
    const timeout = AbortSignal.timeout(limits.jobTimeoutSeconds * 1000);
    let lastProgress = 0;
    try {
      const buffer = await readFile(path.join(this.config.uploadDir, path.basename(document.file_path)));
      const extraction = extractDocument(buffer, kindOf(document.mime_type), {
        limits,
        signal: timeout,
        ocr: (image) => this.ocr.recognize(image),
        progress: (fraction) => {
          if (Date.now() - lastProgress < PROGRESS_INTERVAL_MS) return;
          lastProgress = Date.now();
          this.status.publish(document.uploader_id, { id: document.id, status: 'processing', progress: fraction });
        },
      });
      const pages = await Promise.race([
        extraction,
        new Promise<never>((_, reject) => timeout.addEventListener('abort', () => reject(new JobTimeout()), { once: true })),
      ]);
      await this.saveReady(document, pages);
    } catch (error) {
      const reason =
        error instanceof ExtractionError
          ? error.message
          : error instanceof JobTimeout || timeout.aborted
            ? `Reading the document took longer than ${limits.jobTimeoutSeconds} s`
            : 'The document could not be processed';
      await documents.update(document.id, { status: 'failed', error: reason, processed_at: new Date() });
      this.status.publish(document.uploader_id, { id: document.id, status: 'failed', progress: 1, error: reason });
      if (!(error instanceof ExtractionError) && !(error instanceof JobTimeout) && !timeout.aborted) {
        this.logger.error({ err: error, document_id: document.id }, 'Document extraction crashed');
        throw error;
      }
    }
  }

  private async saveReady(document: Document, pages: ExtractedPage[]): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      await manager.delete(DocumentPage, { document_id: document.id });
      await manager.insert(
        DocumentPage,
        pages.map((page) => ({ document_id: document.id, page_number: page.page, text: page.text, ocr: page.ocr })),
      );
      await this.chunks.index(manager, document.id, pages);
      await manager.update(Document, document.id, {
        status: 'ready',
        error: null,
        page_count: pages.length,
        char_count: pages.reduce((sum, page) => sum + page.text.length, 0),
        ocr_used: pages.some((page) => page.ocr),
        processed_at: new Date(),
      });
    });
    this.status.publish(document.uploader_id, { id: document.id, status: 'ready', progress: 1 });
    // Lexical search works already; vectors come on top. If the provider fails,
    // the embeddings job fills them in later.
    await this.chunks
      .embedMissing(document.id)
      .catch((error: unknown) => this.logger.warn({ err: error, document_id: document.id }, 'Embedding failed; will retry later'));
  }
}
