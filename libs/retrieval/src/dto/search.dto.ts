import { ApiProperty } from '@nestjs/swagger';
import { IsString, Length } from 'class-validator';
import { LimitQuery } from '#common';

export class SearchQuery extends LimitQuery({ default: 10, maximum: 50 }) {
  @ApiProperty({ example: 'combien de jours de congés ?' })
  @IsString()
  @Length(1, 500)
  q!: string;
}

export class SearchHit {
  @ApiProperty({ type: 'integer' }) chunk_id!: number;
  @ApiProperty({ type: 'integer' }) document_id!: number;
  @ApiProperty() filename!: string;
  @ApiProperty({ type: 'integer' }) page!: number;
  @ApiProperty() text!: string;
  @ApiProperty({ description: 'Reciprocal-rank fusion score.' }) score!: number;
  @ApiProperty({ nullable: true, type: 'integer' }) lexical_rank!: number | null;
  @ApiProperty({ nullable: true, type: 'integer' }) vector_rank!: number | null;
  @ApiProperty({ nullable: true, type: Number, description: 'Cosine similarity, with an embedding provider.' }) similarity!: number | null;
}

export class SearchResponse {
  @ApiProperty() query!: string;
  @ApiProperty({ type: [SearchHit] }) results!: SearchHit[];
}
