import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { memoryStorage } from 'multer';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { AuditModule } from '#audit';
import { RealtimeModule } from '#realtime';
import { SessionsModule } from '#sessions';
import { DocumentsProcessingModule } from './extraction/documents-processing.module';
import { DocumentStorageModule } from './storage/document-storage.module';
import { DocumentsController } from './documents.controller';
import { DocumentsService } from './documents.service';
import { UploadLimits } from './upload-limits';

@Module({
  imports: [
    AuditModule,
    DocumentStorageModule,
    DocumentsProcessingModule,
    RealtimeModule,
    SessionsModule,
    MulterModule.registerAsync({
      inject: [APP_CONFIG],
      // In memory: the type is checked from the bytes before anything is written to disk.
      useFactory: (config: AppConfig) => ({
        storage: memoryStorage(),
        // Browsers and curl send UTF-8 file names; busboy's latin1 default turns "Procès" into "ProcÃ¨s".
        defParamCharset: 'utf8',
        limits: { fileSize: config.limits.maxUploadBytes, files: 1, fields: 10, fieldSize: 1024, parts: 12 },
      }),
    }),
  ],
  controllers: [DocumentsController],
  providers: [DocumentsService, UploadLimits],
})
export class DocumentsModule {}
