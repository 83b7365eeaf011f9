import { EntityManager, In, Not } from 'typeorm';
import { Document } from '../entities/document.entity';
import type { DocumentEntityType } from '../entities/document.entity';

/** Where an upload goes: who sends it, to which chat or agent. */
export interface UploadScope {
  uploader_id: number;
  entity_type: DocumentEntityType;
  entity_id: number;
}

/** What a user's uploads weigh: bytes stored, and documents still waiting to be read. */
export interface UploadUsage {
  usedBytes: number;
  pending: number;
}

/** The queries of one upload, in the transaction holding the uploader's lock (DocumentsRepository.underUserLock). */
export class LockedUploads {
  constructor(
    private readonly manager: EntityManager,
    private readonly userId: number,
  ) {}

  /** The same bytes already uploaded to the same place and not failed (a failed one is retried by uploading again). */
  findReusable(scope: UploadScope, sha256: string): Promise<Document | null> {
    return this.manager.findOne(Document, { where: { ...scope, sha256, status: Not('failed') }, order: { id: 'ASC' } });
  }

  async usage(): Promise<UploadUsage> {
    const usage = await this.manager
      .createQueryBuilder(Document, 'document')
      .select('COALESCE(SUM(document.file_size), 0)', 'used')
      .where('document.uploader_id = :userId', { userId: this.userId })
      .getRawOne<{ used: string }>();
    const pending = await this.manager.countBy(Document, { uploader_id: this.userId, status: In(['pending', 'processing']) });
    return { usedBytes: Number(usage?.used ?? 0), pending };
  }

  insert(fields: Partial<Document>): Promise<Document> {
    return this.manager.getRepository(Document).save(fields);
  }
}
