import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { createHash } from 'node:crypto';
import type { ReadStream } from 'node:fs';
import { NotFoundError, toPage, UnsupportedMediaTypeError, ValidationError } from '#common';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { agentUsableBy, AgentsRepository, ChatsRepository, DocumentsRepository } from '#database';
import type { Document, DocumentEntityType } from '#database';
import { detectType } from './extraction/detect-type';
import { sanitiseFilename } from './safe-filename';
import { JOB_QUEUE, usesWorker } from '#jobs';
import { RealtimePublisher } from '#realtime';
import { EMBEDDINGS_SYNC_JOB } from '#retrieval';
import { DOCUMENT_EXTRACTION_JOB } from './extraction/document-extraction.job';
import type { JobQueue } from '#jobs';
import { DocumentStorage } from './storage/document-storage';
import { DocumentPage, DocumentResponse, presentDocument } from './document.presenter';
import type { DocumentOwnerDto, DocumentTextResponse, ListDocumentsQuery } from './dto/document.dto';
import { UploadLimits } from './upload-limits';
import type { AuthUser } from '#auth';
import { AuditLog } from '#audit';

export interface UploadedFile {
  originalname: string;
  buffer: Buffer;
  size: number;
}

export interface Upload {
  document: DocumentResponse;
  /** False when the same bytes were already here: the existing document is returned. */
  created: boolean;
}

@Injectable()
export class DocumentsService implements OnApplicationBootstrap {
  private readonly logger = new Logger('Documents');

  constructor(
    private readonly documents: DocumentsRepository,
    private readonly storage: DocumentStorage,
    private readonly chats: ChatsRepository,
    private readonly agents: AgentsRepository,
    @Inject(JOB_QUEUE) private readonly jobs: JobQueue,
    private readonly realtime: RealtimePublisher,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly limits: UploadLimits,
    private readonly audit: AuditLog,
  ) {}

  /** Without a persistent queue, documents caught mid-way by a restart are queued again. */
  async onApplicationBootstrap(): Promise<void> {
    // After a change of EMBEDDING_MODEL, stored chunks are embedded again in the new model.
    await this.jobs.enqueue(EMBEDDINGS_SYNC_JOB, {});
    if (usesWorker(this.config)) return;
    const unfinished = await this.documents.unfinishedIds();
    for (const id of unfinished) await this.enqueue(id);
    if (unfinished.length) this.logger.log(`Resumed ${unfinished.length} unfinished documents`);
  }

  /**
   * Stores a file for a chat or an agent and queues its extraction. The same
   * bytes already uploaded by the user to the same place (and not failed) are
   * that document again, not a second copy: `created` is false.
   */
  async upload(user: AuthUser, owner: DocumentOwnerDto, file: UploadedFile | undefined): Promise<Upload> {
    await this.limits.consumeRate(user.id);
    if (!file) throw new ValidationError([{ loc: ['body', 'file'], msg: 'file is required' }]);
    await this.checkAccess(user, owner.entity_type, owner.entity_id);
    if (file.size === 0) throw new ValidationError([{ loc: ['body', 'file'], msg: 'file is empty' }]);
    const filename = sanitiseFilename(file.originalname);
    const type = detectType(file.buffer, filename);
    if (!type) {
      throw new UnsupportedMediaTypeError(
        'Unsupported file type: upload a PDF, DOCX, plain text, Markdown, CSV, PNG, JPEG, WebP or TIFF file',
      );
    }
    const sha256 = createHash('sha256').update(file.buffer).digest('hex');
    const scope = { uploader_id: user.id, entity_type: owner.entity_type, entity_id: owner.entity_id };
    let storedName: string | undefined;
    const upload = await this.documents
      .underUserLock(user.id, async (uploads) => {
        const existing = await uploads.findReusable(scope, sha256);
        if (existing) return { document: existing, created: false };
        this.limits.admit(await uploads.usage(), file.size);
        storedName = await this.storage.save(file.buffer, type.extension);
        const document = await uploads.insert({
          ...scope,
          filename,
          file_path: storedName,
          file_size: file.size,
          mime_type: type.mime,
          sha256,
          status: 'pending',
        });
        return { document, created: true };
      })
      .catch(async (error: unknown) => {
        if (storedName) await this.storage.removeFiles([storedName]);
        throw error;
      });
    if (upload.created) {
      await this.enqueue(upload.document.id);
      this.realtime.toUser(user.id).emit('document_status', { id: upload.document.id, status: 'pending', progress: 0 });
    }
    return { document: presentDocument(upload.document), created: upload.created };
  }

  /** A chat's or an agent's documents, newest first. */
  async list(user: AuthUser, query: ListDocumentsQuery): Promise<DocumentPage> {
    await this.checkAccess(user, query.entity_type, query.entity_id);
    const rows = await this.documents.listPage(query.entity_type, query.entity_id, { limit: query.limit + 1, before: query.before });
    return toPage(rows, query.limit, presentDocument, (document) => document.id);
  }

  async get(user: AuthUser, id: number): Promise<Document> {
    const document = await this.documents.findById(id);
    if (!document) throw new NotFoundError('Document not found');
    await this.checkAccess(user, document.entity_type, document.entity_id, 'Document not found');
    return document;
  }

  async download(user: AuthUser, id: number): Promise<{ document: Document; stream: ReadStream }> {
    const document = await this.get(user, id);
    return { document, stream: this.storage.open(document.file_path) };
  }

  async text(user: AuthUser, id: number): Promise<DocumentTextResponse> {
    const document = await this.get(user, id);
    const pages = await this.documents.pages(document.id);
    return { document_id: document.id, pages: pages.map((page) => ({ page: page.page_number, text: page.text, ocr: page.ocr })) };
  }

  async remove(user: AuthUser, id: number): Promise<void> {
    const document = await this.get(user, id);
    await this.storage.remove([document]);
    await this.audit.record({
      action: 'document.delete',
      actor: user,
      target: { type: 'document', id: document.id, label: document.filename },
      details: { entity_type: document.entity_type, entity_id: document.entity_id },
    });
  }

  /**
   * Chat documents: the chat's owner. Agent documents: the agent's owner and
   * admins (users of a public agent benefit from them in answers but cannot
   * read them). Anything else is 404.
   */
  private async checkAccess(user: AuthUser, type: DocumentEntityType, id: number, notFound?: string): Promise<void> {
    try {
      if (type === 'chat') {
        if (!(await this.chats.findOwned(user.id, id))) throw new NotFoundError('Chat not found');
        return;
      }
      const agent = await this.agents.findWithOwner(id);
      if (!agent || !agentUsableBy(agent, user) || (agent.owner_id !== user.id && !user.is_admin)) throw new NotFoundError('Agent not found');
    } catch (error) {
      if (error instanceof NotFoundError && notFound) throw new NotFoundError(notFound);
      throw error;
    }
  }

  private enqueue(documentId: number): Promise<void> {
    return this.jobs.enqueue(DOCUMENT_EXTRACTION_JOB, { documentId }, { jobId: `document-${documentId}` });
  }
}
