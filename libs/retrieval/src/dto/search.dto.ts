import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsString, Length, Max, Min } from 'class-validator';
import { Optional } from '#common';

export class SearchQuery {
  @ApiProperty({ example: 'combien de jours de congés ?' })
  @IsString()
  @Length(1, 500)
  q!: string;

  @ApiPropertyOptional({ default: 10, minimum: 1, maximum: 50 })
  @Optional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  limit = 10;
}

export class SearchHit {
  @ApiProperty() chunk_id!: number;
  @ApiProperty() document_id!: number;
  @ApiProperty() filename!: string;
  @ApiProperty() page!: number;
  @ApiProperty() text!: string;
  @ApiProperty({ description: 'Reciprocal-rank fusion score.' }) score!: number;
  @ApiProperty({ nullable: true, type: Number }) lexical_rank!: number | null;
  @ApiProperty({ nullable: true, type: Number }) vector_rank!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Cosine similarity, with an embedding provider.' }) similarity!: number | null;
}

export class SearchResponse {
  @ApiProperty() query!: string;
  @ApiProperty({ type: [SearchHit] }) results!: SearchHit[];
}
