import { ApiProperty, IntersectionType } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn } from 'class-validator';
import { IsInt4, KeysetPageQuery } from '#common';
import { DOCUMENT_ENTITY_TYPES } from '#database';
import type { DocumentEntityType } from '#database';

/** The form fields of an upload. */
export class DocumentOwnerDto {
  @ApiProperty({ enum: DOCUMENT_ENTITY_TYPES })
  @IsIn(DOCUMENT_ENTITY_TYPES)
  entity_type!: DocumentEntityType;

  @ApiProperty({ type: 'integer', example: 1 })
  @Type(() => Number)
  @IsInt4()
  entity_id!: number;
}

/** The query of a listing: whose documents, and which page. */
export class ListDocumentsQuery extends IntersectionType(
  DocumentOwnerDto,
  KeysetPageQuery({ default: 50, maximum: 200 }, 'Cursor: the `next_before` of the previous page (the id of the last document seen).'),
) {}

export class UploadDocumentDto extends DocumentOwnerDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'PDF, DOCX, text, Markdown, CSV, PNG, JPEG, WebP or TIFF.' })
  file?: unknown;
}

export class DocumentPageResponse {
  @ApiProperty({ type: 'integer' }) page!: number;
  @ApiProperty() text!: string;
  @ApiProperty() ocr!: boolean;
}

export class DocumentTextResponse {
  @ApiProperty({ type: 'integer' }) document_id!: number;
  @ApiProperty({ type: [DocumentPageResponse] }) pages!: DocumentPageResponse[];
}
