import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn } from 'class-validator';
import { IsInt4 } from '#common';
import { DOCUMENT_ENTITY_TYPES } from '#database';
import type { DocumentEntityType } from '#database';

/** The form fields of an upload, and the query of a listing. */
export class DocumentOwnerDto {
  @ApiProperty({ enum: DOCUMENT_ENTITY_TYPES })
  @IsIn(DOCUMENT_ENTITY_TYPES)
  entity_type!: DocumentEntityType;

  @ApiProperty({ example: 1 })
  @Type(() => Number)
  @IsInt4()
  entity_id!: number;
}

export class UploadDocumentDto extends DocumentOwnerDto {
  @ApiProperty({ type: 'string', format: 'binary', description: 'PDF, DOCX, text, Markdown, CSV, PNG, JPEG, WebP or TIFF.' })
  file?: unknown;
}

export class DocumentPageResponse {
  @ApiProperty() page!: number;
  @ApiProperty() text!: string;
  @ApiProperty() ocr!: boolean;
}

export class DocumentTextResponse {
  @ApiProperty() document_id!: number;
  @ApiProperty({ type: [DocumentPageResponse] }) pages!: DocumentPageResponse[];
}
