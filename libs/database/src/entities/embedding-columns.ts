import { Column } from 'typeorm';

/**
 * A row's embedding and what made it, embedded without a prefix so the
 * columns keep their names (`embedding`, `embedding_model`, ...): vectors of
 * different models or dimensions are never compared.
 */
export class EmbeddingColumns {
  @Column({ name: 'embedding', type: 'real', array: true, nullable: true, select: false })
  vector?: number[] | null;

  @Column({ name: 'embedding_model', type: 'varchar', length: 200, nullable: true })
  model!: string | null;

  @Column({ name: 'embedding_dim', type: 'int', nullable: true })
  dim!: number | null;

  /** `embedding` as float32 bytes (network order) that search reads in place; derived by a trigger (see the EmbeddingBytes migration). */
  @Column({ name: 'embedding_f32', type: 'bytea', nullable: true, select: false, insert: false, update: false })
  f32?: Buffer | null;
}
