import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn } from 'class-validator';
import { IsInt4, Optional } from '#common';

export const EXPORT_FORMATS = ['json', 'markdown'] as const;
export type ExportFormatName = (typeof EXPORT_FORMATS)[number];

export class ExportQuery {
  @ApiPropertyOptional({
    enum: EXPORT_FORMATS,
    enumName: 'ExportFormat',
    default: 'json',
    description: 'json: the complete tree (every branch), re-importable; markdown: the active path, to read.',
  })
  @Optional()
  @IsIn(EXPORT_FORMATS, { message: 'format must be one of: json, markdown' })
  format: ExportFormatName = 'json';
}

/** The form fields of an import (the file comes as `file`). */
export class ImportFieldsDto {
  @ApiPropertyOptional({
    type: 'integer',
    minimum: 1,
    description:
      "An agent I may use, for every imported chat. Required for a ChatGPT file; for a FoyerGPT export, each chat keeps its original agent when it exists here and I may use it (else 422: give agent_id).",
  })
  @Optional()
  @Type(() => Number)
  @IsInt4()
  agent_id?: number;
}

export class ImportForm extends ImportFieldsDto {
  @ApiProperty({ type: 'string', format: 'binary', description: "A FoyerGPT JSON export (one chat or all), or ChatGPT's `conversations.json`; at most MAX_UPLOAD_MB." })
  file!: unknown;
}
