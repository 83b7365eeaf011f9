import { Module } from '@nestjs/common';
import { RealtimeModule } from '#realtime';
import { RetrievalModule } from '#retrieval';
import { DocumentStorageModule } from '../storage/document-storage.module';
import { DocumentExtractionJob } from './document-extraction.job';
import { OcrPool } from './ocr-pool';

/** What extraction needs wherever it runs (API in-process, or the worker); chunks are indexed through Retrieval. */
@Module({
  imports: [DocumentStorageModule, RetrievalModule, RealtimeModule],
  providers: [OcrPool, DocumentExtractionJob],
  exports: [OcrPool],
})
export class DocumentsProcessingModule {}
