import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, CreateDateColumn } from 'typeorm';
import { User } from './user.entity';

export const DOCUMENT_ENTITY_TYPES = ['agent', 'chat'] as const;
export const DOCUMENT_STATUSES = ['pending', 'processing', 'ready', 'failed'] as const;
export type DocumentStatus = (typeof DOCUMENT_STATUSES)[number];
export type DocumentEntityType = (typeof DOCUMENT_ENTITY_TYPES)[number];

@Entity('documents')
@Index('IDX_documents_entity', ['entity_type', 'entity_id'])
@Check('CHK_documents_entity_type', `"entity_type" IN ('agent', 'chat')`)
@Check('CHK_documents_status', `"status" IN ('pending', 'processing', 'ready', 'failed')`)
export class Document {
  @PrimaryGeneratedColumn()
  id!: number;

  /** The client's file name, sanitised; metadata only, never used as a path. */
  @Column({ type: 'varchar', length: 255 })
  filename!: string;

  /** Generated name relative to UPLOAD_DIR. */
  @Column({ type: 'varchar', length: 255 })
  file_path!: string;

  @Column({ type: 'int' })
  file_size!: number;

  @Column({ type: 'varchar', length: 100 })
  mime_type!: string;

  @Column({ type: 'varchar', length: 16 })
  entity_type!: DocumentEntityType;

  @Column({ type: 'int' })
  entity_id!: number;

  @Index('IDX_documents_uploader_id')
  @Column({ type: 'int' })
  uploader_id!: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'uploader_id' })
  uploader?: User;

  @Column({ type: 'char', length: 64, nullable: true })
  sha256!: string | null;

  @Column({ type: 'varchar', length: 16, default: 'pending' })
  status!: DocumentStatus;

  /** Why extraction failed, in words fit for the user. */
  @Column({ type: 'text', nullable: true })
  error!: string | null;

  @Column({ type: 'int', nullable: true })
  page_count!: number | null;

  @Column({ type: 'int', nullable: true })
  char_count!: number | null;

  @Column({ type: 'boolean', default: false })
  ocr_used!: boolean;

  @Column({ type: 'timestamptz', nullable: true })
  processed_at!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  uploaded_at!: Date;
}
