import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsIn, IsString, MaxLength } from 'class-validator';
import { Nullable } from '#common';

/** Most inputs a request may embed, and the longest input (characters). */
export const MAX_EMBEDDING_INPUTS = 256;
export const MAX_EMBEDDING_INPUT_CHARS = 32_000;

export class EmbeddingRequest {
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }], description: `A text, or up to ${MAX_EMBEDDING_INPUTS} texts (each up to ${MAX_EMBEDDING_INPUT_CHARS} characters). Token arrays are not supported.` })
  @IsDefined()
  input!: unknown;

  @ApiProperty({ example: 'mistral-embed', description: 'The configured embedding model (EMBEDDING_MODEL); any other is 404 `model_not_found`, whose message names it.' })
  @IsString()
  @MaxLength(200)
  model!: string;

  @ApiPropertyOptional({ enum: ['float', 'base64'], default: 'float', description: '`base64`: each vector as the base64 of its little-endian float32 values (what the official SDKs ask for, and decode).' })
  @Nullable()
  @IsIn(['float', 'base64'], { message: 'encoding_format must be float or base64' })
  encoding_format?: 'float' | 'base64' | null;

  @ApiPropertyOptional({ type: String, nullable: true, description: 'Accepted and ignored.' })
  @Nullable()
  @IsString()
  @MaxLength(256)
  user?: string | null;
}

export class Embedding {
  @ApiProperty({ enum: ['embedding'] }) object!: 'embedding';
  @ApiProperty({ type: 'integer' }) index!: number;
  @ApiProperty({ oneOf: [{ type: 'array', items: { type: 'number' } }, { type: 'string', format: 'byte' }], description: 'The vector; a base64 string with `encoding_format: base64`.' })
  embedding!: number[] | string;
}

export class EmbeddingUsage {
  @ApiProperty({ type: 'integer' }) prompt_tokens!: number;
  @ApiProperty({ type: 'integer' }) total_tokens!: number;
}

export class EmbeddingList {
  @ApiProperty({ enum: ['list'] }) object!: 'list';
  @ApiProperty({ type: Embedding, isArray: true, description: 'In the order of the inputs.' }) data!: Embedding[];
  @ApiProperty({ example: 'mistral-embed' }) model!: string;
  @ApiProperty({ type: EmbeddingUsage }) usage!: EmbeddingUsage;
}
