import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In, IsNull, LessThan, Not, Or } from 'typeorm';
import { Document } from '../entities/document.entity';
import type { DocumentEntityType } from '../entities/document.entity';
import { DocumentChunk } from '../entities/document-chunk.entity';
import { DocumentPage } from '../entities/document-page.entity';
import { ChunkVectors } from './search/chunk-vectors';
import { ScopedSearch } from './search/scoped-search';
import type { SearchableRows } from './search/scoped-search';
import type { SearchScope } from './search/lexical-search';
import { tsvectorSql, unaccent } from './search/text-search';
import { LockedUploads } from './locked-uploads';
import type { PageRange } from './page-range';

// Two-key advisory locks live apart from the one-key ones (migrations, users).
const UPLOADS_LOCK_SPACE = 861_861_003;

/** Whose documents may be searched: the chat's and its agent's, nothing else. */
export interface DocumentScope {
  chatId?: number;
  /** Only an agent the searching user may use now (`agentUsableBy`): a private agent's documents are its owner's. */
  agentId?: number | null;
}

/** What extraction records on a document as it goes. */
export type DocumentProgress = Partial<Pick<Document, 'status' | 'error' | 'page_count' | 'char_count' | 'ocr_used' | 'processed_at'>>;

export interface NewPage {
  page: number;
  text: string;
  ocr: boolean;
}

export interface NewChunk {
  page: number;
  position: number;
  text: string;
  tokens: number;
}

/** A chunk as a source: where it comes from, and its text. */
export interface ChunkSource {
  id: number;
  document_id: number;
  filename: string;
  page: number;
  text: string;
}

/** The ready chunks of a chat's and of its agent's documents. */
function chunkScope(scope: DocumentScope): SearchScope {
  return {
    from: 'document_chunks c JOIN documents d ON d.id = c.document_id',
    where: `d.status = 'ready' AND ((d.entity_type = 'chat' AND d.entity_id = $1) OR (d.entity_type = 'agent' AND d.entity_id = $2))`,
    params: [scope.chatId ?? 0, scope.agentId ?? 0],
    alias: 'c',
  };
}

/** Every query on documents, their pages and their chunks (vectors included). */
@Injectable()
export class DocumentsRepository {
  private readonly chunkVectors: ChunkVectors;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {
    this.chunkVectors = new ChunkVectors(dataSource);
  }

  private get documents() {
    return this.dataSource.getRepository(Document);
  }

  private get chunks() {
    return this.dataSource.getRepository(DocumentChunk);
  }

  findById(id: number): Promise<Document | null> {
    return this.documents.findOneBy({ id });
  }

  exists(id: number): Promise<boolean> {
    return this.documents.existsBy({ id });
  }

  /** A page of a chat's or an agent's documents, newest first (`before`: a document id). */
  listPage(entityType: DocumentEntityType, entityId: number, { limit, before }: PageRange): Promise<Document[]> {
    return this.documents.find({
      where: { entity_type: entityType, entity_id: entityId, ...(before ? { id: LessThan(before) } : {}) },
      order: { id: 'DESC' },
      take: limit,
    });
  }

  /** Those of the documents attached to the chat or to its agent. */
  findChatDocuments(ids: number[], chat: { id: number; agentId: number | null }): Promise<Document[]> {
    return this.documents.find({
      where: [
        { id: In(ids), entity_type: 'chat', entity_id: chat.id },
        { id: In(ids), entity_type: 'agent', entity_id: chat.agentId ?? 0 },
      ],
    });
  }

  /** Documents waiting to be read, or caught mid-way. */
  async unfinishedIds(): Promise<number[]> {
    const documents = await this.documents.find({ select: { id: true }, where: { status: In(['pending', 'processing']) } });
    return documents.map((document) => document.id);
  }

  async update(id: number, progress: DocumentProgress): Promise<void> {
    await this.documents.update(id, progress);
  }

  /** A chat's or an agent's documents: ids and stored names (in the given transaction, if any). */
  filesOf(entityType: DocumentEntityType, entityId: number, manager?: EntityManager): Promise<Pick<Document, 'id' | 'file_path'>[]> {
    return (manager ?? this.dataSource.manager).find(Document, {
      select: { id: true, file_path: true },
      where: { entity_type: entityType, entity_id: entityId },
    });
  }

  /** Deletes documents; their pages, chunks and vectors cascade. */
  async delete(ids: number[], manager?: EntityManager): Promise<void> {
    if (ids.length > 0) await (manager ?? this.dataSource.manager).delete(Document, ids);
  }

  /**
   * Deletes, in the caller's transaction, every document of a user: those they
   * uploaded and those on their chats and agents (an admin may have uploaded
   * there; deleted agents included), which no foreign key would remove. Waits
   * for their upload in progress first (its lock), so none lands unlisted.
   * Returns the stored names, for the caller to remove once it commits.
   */
  async deleteAllOfUser(userId: number, manager: EntityManager): Promise<string[]> {
    await manager.query('SELECT pg_advisory_xact_lock($1, $2)', [UPLOADS_LOCK_SPACE, userId]);
    const documents: { id: number; file_path: string }[] = await manager.query(
      `SELECT d.id, d.file_path FROM documents d
       WHERE d.uploader_id = $1
          OR (d.entity_type = 'chat' AND d.entity_id IN (SELECT id FROM chats WHERE user_id = $1))
          OR (d.entity_type = 'agent' AND d.entity_id IN (SELECT id FROM agents WHERE owner_id = $1))`,
      [userId],
    );
    await this.delete(documents.map((document) => document.id), manager);
    return documents.map((document) => document.file_path);
  }

  /** Serialises one user's uploads, so the checks and the insert are one step. */
  underUserLock<T>(userId: number, work: (uploads: LockedUploads) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1, $2)', [UPLOADS_LOCK_SPACE, userId]);
      return work(new LockedUploads(manager, userId));
    });
  }

  /** One statement; the caller batches. */
  async insertPages(documentId: number, pages: NewPage[]): Promise<void> {
    if (pages.length === 0) return;
    await this.dataSource
      .getRepository(DocumentPage)
      .insert(pages.map((page) => ({ document_id: documentId, page_number: page.page, text: page.text, ocr: page.ocr })));
  }

  pages(documentId: number): Promise<DocumentPage[]> {
    return this.dataSource.getRepository(DocumentPage).find({ where: { document_id: documentId }, order: { page_number: 'ASC' } });
  }

  /** What extraction wrote: chunks (their vectors cascade), then pages, each a single short statement. */
  async discardExtraction(documentId: number): Promise<void> {
    await this.chunks.delete({ document_id: documentId });
    await this.dataSource.getRepository(DocumentPage).delete({ document_id: documentId });
  }

  /** One statement, with the chunks' full-text vectors; the caller batches. */
  async insertChunks(documentId: number, chunks: NewChunk[]): Promise<void> {
    if (chunks.length === 0) return;
    const rows = chunks.map((_, i) => {
      const p = i * 6;
      return `($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}, ${tsvectorSql(`$${p + 6}`)})`;
    });
    await this.dataSource.query(
      `INSERT INTO document_chunks (document_id, page, position, text, token_count, tsv) VALUES ${rows.join(', ')}`,
      chunks.flatMap((chunk) => [documentId, chunk.page, chunk.position, chunk.text, chunk.tokens, unaccent(chunk.text)]),
    );
  }

  /** Chunks without a vector of `model` (new ones, or all after a change of model), optionally of one document. */
  chunksToEmbed(model: string, limit: number, documentId?: number): Promise<Pick<DocumentChunk, 'id' | 'text' | 'document_id'>[]> {
    return this.chunks.find({
      select: { id: true, text: true, document_id: true },
      where: { embedding: { model: Or(IsNull(), Not(model)) }, ...(documentId ? { document_id: documentId } : {}) },
      order: { id: 'ASC' },
      take: limit,
    });
  }

  /** Whose budget a document's embeddings count against (its uploader), with the agent and chat it belongs to; null when gone. */
  async usageOwner(documentId: number): Promise<{ userId: number; agentId: number | null; chatId: number | null } | null> {
    const [row]: { uploader_id: number; entity_type: DocumentEntityType; entity_id: number; chat_agent_id: number | null }[] =
      await this.dataSource.query(
        `SELECT d.uploader_id, d.entity_type, d.entity_id, c.agent_id AS chat_agent_id FROM documents d
         LEFT JOIN chats c ON d.entity_type = 'chat' AND c.id = d.entity_id WHERE d.id = $1`,
        [documentId],
      );
    if (!row) return null;
    return row.entity_type === 'chat'
      ? { userId: row.uploader_id, agentId: row.chat_agent_id, chatId: row.entity_id }
      : { userId: row.uploader_id, agentId: row.entity_id, chatId: null };
  }

  async setChunkEmbedding(id: number, model: string, vector: number[]): Promise<void> {
    await this.chunks.update(id, { embedding: { vector, model, dim: vector.length } });
  }

  /** The queries hybrid search runs on a scope's chunks. */
  searchableChunks(scope: DocumentScope): SearchableRows {
    return new ScopedSearch(this.dataSource, chunkScope(scope));
  }

  /** Chunks with their document's name, in no particular order. */
  chunkSources(ids: number[]): Promise<ChunkSource[]> {
    return this.dataSource.query(
      'SELECT c.id, c.document_id, d.filename, c.page, c.text FROM document_chunks c JOIN documents d ON d.id = c.document_id WHERE c.id = ANY($1)',
      [ids],
    );
  }

  /** Whether the VectorIndex migration made `chunk_vectors` (where pgvector exists). */
  hasVectorIndex(): Promise<boolean> {
    return this.chunkVectors.exist();
  }

  storeChunkVector(chunkId: number, model: string, vector: number[]): Promise<void> {
    return this.chunkVectors.store(chunkId, model, vector);
  }

  /** Nearest chunks of a scope by cosine, through the HNSW index of the vector's dimension. */
  nearestChunks(scope: DocumentScope, vector: number[], model: string, limit: number): Promise<{ id: number; similarity: number }[]> {
    return this.chunkVectors.nearest(chunkScope(scope), vector, model, limit);
  }
}
