import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Document } from './document.entity';

/** Extracted text of one page (a whole text file or image is page 1). */
@Entity('document_pages')
export class DocumentPage {
  @PrimaryColumn({ type: 'int' })
  document_id!: number;

  @PrimaryColumn({ type: 'int' })
  page_number!: number;

  @ManyToOne(() => Document, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'document_id' })
  document?: Document;

  @Column({ type: 'text' })
  text!: string;

  /** The page had no text layer and was read by OCR. */
  @Column({ type: 'boolean', default: false })
  ocr!: boolean;
}
