import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Document } from './document.entity';
import { EmbeddingColumns } from './embedding-columns';

/** A retrievable piece of a document's text, with its lexical index and (optionally) its embedding. */
@Entity('document_chunks')
@Index('IDX_document_chunks_document', ['document_id', 'position'])
export class DocumentChunk {
  @PrimaryGeneratedColumn()
  id!: number;

  @Column({ type: 'int' })
  document_id!: number;

  @ManyToOne(() => Document, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'document_id' })
  document?: Document;

  @Column({ type: 'int' })
  page!: number;

  /** Order of the chunk within its document. */
  @Column({ type: 'int' })
  position!: number;

  @Column({ type: 'text' })
  text!: string;

  @Column({ type: 'int' })
  token_count!: number;

  /** French and English stems of the unaccented text; GIN-indexed (see the migration). */
  @Index('IDX_document_chunks_tsv', { synchronize: false })
  @Column({ type: 'tsvector', select: false, nullable: true })
  tsv?: string;

  @Column(() => EmbeddingColumns, { prefix: false })
  embedding!: EmbeddingColumns;
}
