import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, Not } from 'typeorm';
import { Document } from '#database';
import type { DocumentEntityType } from '#database';

// Two-key advisory locks live apart from the one-key ones (migrations, users).
const UPLOADS_LOCK_SPACE = 861_861_003;

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

/** The queries of an upload, run in one transaction holding the uploader's lock. */
@Injectable()
export class DocumentUploadsRepository {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  /** Serialises one user's uploads, so the checks and the insert are one step. */
  underUserLock<T>(userId: number, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1, $2)', [UPLOADS_LOCK_SPACE, userId]);
      return work(manager);
    });
  }

  /** The same bytes already uploaded to the same place and not failed (a failed one is retried by uploading again). */
  findReusable(manager: EntityManager, scope: UploadScope, sha256: string): Promise<Document | null> {
    return manager.findOne(Document, { where: { ...scope, sha256, status: Not('failed') }, order: { id: 'ASC' } });
  }

  async usage(manager: EntityManager, userId: number): Promise<UploadUsage> {
    const usage = await manager
      .createQueryBuilder(Document, 'document')
      .select('COALESCE(SUM(document.file_size), 0)', 'used')
      .where('document.uploader_id = :userId', { userId })
      .getRawOne<{ used: string }>();
    const pending = await manager.countBy(Document, { uploader_id: userId, status: In(['pending', 'processing']) });
    return { usedBytes: Number(usage?.used ?? 0), pending };
  }

  insert(manager: EntityManager, fields: Partial<Document>): Promise<Document> {
    return manager.getRepository(Document).save(fields);
  }
}
