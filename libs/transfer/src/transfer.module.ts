import { Module } from '@nestjs/common';
import { MulterModule } from '@nestjs/platform-express';
import { memoryStorage } from 'multer';
import { AgentsModule } from '#agents';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { LlmModule } from '#llm';
import { ChatExportService } from './export/chat-export.service';
import { ChatImportService } from './import/chat-import.service';
import { TransferController } from './transfer.controller';

/** Export of chats (JSON, Markdown; one or all, streamed) and their import (our JSON, ChatGPT's conversations.json). */
@Module({
  imports: [
    AgentsModule,
    LlmModule,
    MulterModule.registerAsync({
      inject: [APP_CONFIG],
      // In memory: the file is parsed whole (JSON), and MAX_UPLOAD_MB bounds it.
      useFactory: (config: AppConfig) => ({
        storage: memoryStorage(),
        limits: { fileSize: config.limits.maxUploadBytes, files: 1, fields: 5, fieldSize: 1024, parts: 6 },
      }),
    }),
  ],
  controllers: [TransferController],
  providers: [ChatExportService, ChatImportService],
})
export class TransferModule {}
