import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { createReadStream, ReadStream } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { DataSource, EntityManager } from 'typeorm';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { Document } from '#database';
import type { DocumentEntityType } from '#database';

/**
 * Uploaded files under UPLOAD_DIR, by generated names only, and their removal
 * together with their rows (pages and anything else derived cascade).
 */
@Injectable()
export class DocumentStorage {
  private readonly logger = new Logger('DocumentStorage');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Writes the bytes under a new random name; returns that name. */
  async save(bytes: Buffer, extension: string): Promise<string> {
    await mkdir(this.config.uploadDir, { recursive: true });
    const name = `${randomUUID()}.${extension}`;
    await writeFile(this.resolve(name), bytes, { mode: 0o640, flag: 'wx' });
    return name;
  }

  open(filePath: string): ReadStream {
    return createReadStream(this.resolve(filePath));
  }

  /** Deletes documents (rows in the given transaction, if any) and then their files. */
  async remove(documents: Pick<Document, 'id' | 'file_path'>[], manager?: EntityManager): Promise<void> {
    if (documents.length === 0) return;
    await (manager ?? this.dataSource.manager).delete(Document, documents.map((document) => document.id));
    await this.removeFiles(documents.map((document) => document.file_path));
  }

  async removeForEntity(entityType: DocumentEntityType, entityId: number, manager?: EntityManager): Promise<void> {
    const documents = await (manager ?? this.dataSource.manager).find(Document, {
      select: { id: true, file_path: true },
      where: { entity_type: entityType, entity_id: entityId },
    });
    await this.remove(documents, manager);
  }

  async removeFiles(filePaths: string[]): Promise<void> {
    await Promise.all(
      filePaths.map((filePath) =>
        rm(this.resolve(filePath), { force: true }).catch((error: unknown) =>
          this.logger.warn({ err: error, file: filePath }, 'Could not remove an uploaded file'),
        ),
      ),
    );
  }

  /** Stored names are generated, but never let one lead out of the upload dir. */
  private resolve(filePath: string): string {
    return path.join(this.config.uploadDir, path.basename(filePath));
  }
}
