import { Module } from '@nestjs/common';
import { ChatTitleJob } from './handlers/chat-title.job';
import { DocumentExtractionJob } from './handlers/document-extraction.job';
import { EmbeddingsSyncJob } from './handlers/embeddings-sync.job';
import { MemoryLearningJob } from './handlers/memory-learning.job';
import { SessionCleanupJob } from './handlers/session-cleanup.job';
import { JOB_HANDLERS, JobHandler } from './job.types';

/** Every job handler, for whichever side processes jobs (worker or in-process). */
const HANDLERS = [SessionCleanupJob, ChatTitleJob, DocumentExtractionJob, EmbeddingsSyncJob, MemoryLearningJob];

@Module({
  providers: [
    ...HANDLERS,
    { provide: JOB_HANDLERS, inject: HANDLERS, useFactory: (...handlers: JobHandler[]) => handlers },
  ],
  exports: [JOB_HANDLERS],
})
export class JobHandlersModule {}
