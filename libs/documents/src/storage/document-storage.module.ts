import { Module } from '@nestjs/common';
import { DocumentStorage } from './document-storage';

@Module({ providers: [DocumentStorage], exports: [DocumentStorage] })
export class DocumentStorageModule {}
