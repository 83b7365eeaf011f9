import { ApiProperty } from '@nestjs/swagger';
import { PageOf } from '#common';
import { DOCUMENT_ENTITY_TYPES, DOCUMENT_STATUSES } from '#database';
import type { Document, DocumentEntityType, DocumentStatus } from '#database';

export class DocumentResponse {
  @ApiProperty({ type: 'integer' }) id!: number;
  @ApiProperty({ example: 'rapport-2026.pdf', description: "The client's name, sanitised (metadata only)." }) filename!: string;
  @ApiProperty({ type: 'integer' }) file_size!: number;
  @ApiProperty({ example: 'application/pdf', description: 'Decided from the content.' }) mime_type!: string;
  @ApiProperty({ enum: DOCUMENT_ENTITY_TYPES }) entity_type!: DocumentEntityType;
  @ApiProperty({ type: 'integer' }) entity_id!: number;
  @ApiProperty({ type: 'integer' }) uploader_id!: number;
  @ApiProperty({ nullable: true, type: String }) sha256!: string | null;
  @ApiProperty({ enum: DOCUMENT_STATUSES }) status!: DocumentStatus;
  @ApiProperty({ nullable: true, type: String }) error!: string | null;
  @ApiProperty({ nullable: true, type: 'integer' }) page_count!: number | null;
  @ApiProperty({ nullable: true, type: 'integer' }) char_count!: number | null;
  @ApiProperty() ocr_used!: boolean;
  @ApiProperty() uploaded_at!: Date;
  @ApiProperty({ nullable: true, type: Date }) processed_at!: Date | null;
}

export class DocumentPage extends PageOf(DocumentResponse, 'Newest first.') {}

/** Never shows file_path: where a file lives on disk is nobody's business. */
export function presentDocument(document: Document): DocumentResponse {
  return {
    id: document.id,
    filename: document.filename,
    file_size: document.file_size,
    mime_type: document.mime_type,
    entity_type: document.entity_type,
    entity_id: document.entity_id,
    uploader_id: document.uploader_id,
    sha256: document.sha256,
    status: document.status,
    error: document.error,
    page_count: document.page_count,
    char_count: document.char_count,
    ocr_used: document.ocr_used,
    uploaded_at: document.uploaded_at,
    processed_at: document.processed_at,
  };
}
