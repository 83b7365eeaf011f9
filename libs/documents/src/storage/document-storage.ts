import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { createReadStream, ReadStream } from 'node:fs';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { EntityManager } from 'typeorm';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { DocumentsRepository } from '#database';
import type { Document, DocumentEntityType } from '#database';

/**
 * Uploaded files under UPLOAD_DIR, by generated names only (a document's
 * `file_path`), and their removal together with their rows (pages, chunks and
 * vectors cascade). The one place that knows where a stored file lives.
 */
@Injectable()
export class DocumentStorage {
  private readonly logger = new Logger('DocumentStorage');

  constructor(
    private readonly documents: DocumentsRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Writes the bytes under a new random name; returns that name. */
  async save(bytes: Buffer, extension: string): Promise<string> {
    await mkdir(this.config.uploadDir, { recursive: true });
    const name = `${randomUUID()}.${extension}`;
    await writeFile(this.pathOf(name), bytes, { mode: 0o640, flag: 'wx' });
    return name;
  }

  /** Where a stored name lives. Names are generated, but never let one lead out of the upload dir. */
  pathOf(storedName: string): string {
    return path.join(this.config.uploadDir, path.basename(storedName));
  }

  open(storedName: string): ReadStream {
    return createReadStream(this.pathOf(storedName));
  }

  read(storedName: string): Promise<Buffer> {
    return readFile(this.pathOf(storedName));
  }

  /** Deletes documents (rows in the given transaction, if any) and then their files. */
  async remove(documents: Pick<Document, 'id' | 'file_path'>[], manager?: EntityManager): Promise<void> {
    if (documents.length === 0) return;
    await this.documents.delete(documents.map((document) => document.id), manager);
    await this.removeFiles(documents.map((document) => document.file_path));
  }

  async removeForEntity(entityType: DocumentEntityType, entityId: number, manager?: EntityManager): Promise<void> {
    await this.remove(await this.documents.filesOf(entityType, entityId, manager), manager);
  }

  /**
   * Deletes the rows of every document of a user (uploaded by them, or on their
   * chats and agents; pages, chunks and vectors cascade) in the caller's
   * transaction. Returns the stored names, for `removeFiles` once it commits.
   */
  detachAllOfUser(userId: number, manager: EntityManager): Promise<string[]> {
    return this.documents.deleteAllOfUser(userId, manager);
  }

  async removeFiles(storedNames: string[]): Promise<void> {
    await Promise.all(
      storedNames.map((name) =>
        rm(this.pathOf(name), { force: true }).catch((error: unknown) =>
          this.logger.warn({ err: error, file: name }, 'Could not remove an uploaded file'),
        ),
      ),
    );
  }
}
