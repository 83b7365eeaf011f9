import { Global, Module } from '@nestjs/common';
import type Redis from 'ioredis';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { REDIS } from '#redis';
import { DOCUMENT_STATUS, LocalDocumentStatus, RedisDocumentStatus } from '../document-status';
import { DocumentExtractionJob } from '../document-extraction.job';
import { OcrPool } from './ocr-pool';

/** What extraction needs wherever it runs (API in-process, or the worker). */
@Global()
@Module({
  providers: [
    OcrPool,
    DocumentExtractionJob,
    {
      provide: DOCUMENT_STATUS,
      inject: [REDIS, APP_CONFIG],
      useFactory: (redis: Redis | null, config: AppConfig) =>
        redis ? new RedisDocumentStatus(redis, config.redisKeyPrefix) : new LocalDocumentStatus(),
    },
  ],
  exports: [OcrPool, DOCUMENT_STATUS],
})
export class DocumentsProcessingModule {}
