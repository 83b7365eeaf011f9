import type { DataSource } from 'typeorm';
import { lexicalSearch, SearchScope } from './lexical-search';

/** A stored vector: `embedding_f32`, float32 in network byte order (see the EmbeddingBytes migration). */
export interface StoredVector {
  id: number;
  vector: Uint8Array | null;
}

/** What hybrid search reads from one table within one scope (a chat's and agent's chunks, a user's memories). */
export interface SearchableRows {
  /** Whether the scope has any row: most have none, and then no query embedding is paid for. */
  any(): Promise<boolean>;
  /** Ids of the scope's rows ranked by full-text relevance, best first. */
  rankLexically(query: string, limit: number): Promise<number[]>;
  /** The scope's vectors of one model and dimension, for exact scoring. */
  vectors(model: string, dimension: number): Promise<StoredVector[]>;
}

/** The queries of SearchableRows, written once for any table with `tsv` and the embedding columns. */
export class ScopedSearch implements SearchableRows {
  constructor(
    private readonly dataSource: DataSource,
    private readonly scope: SearchScope,
  ) {}

  async any(): Promise<boolean> {
    const { from, where, params } = this.scope;
    const [{ present }] = await this.dataSource.query(`SELECT EXISTS (SELECT 1 FROM ${from} WHERE ${where}) AS present`, params);
    return Boolean(present);
  }

  async rankLexically(query: string, limit: number): Promise<number[]> {
    const search = lexicalSearch(this.scope, query, limit);
    if (!search) return [];
    const rows: { id: number }[] = await this.dataSource.query(search.sql, search.params);
    return rows.map((row) => row.id);
  }

  vectors(model: string, dimension: number): Promise<StoredVector[]> {
    const { from, where, params, alias: a } = this.scope;
    return this.dataSource.query(
      `SELECT ${a}.id, ${a}.embedding_f32 AS vector FROM ${from}
       WHERE ${where} AND ${a}.embedding_model = $${params.length + 1} AND ${a}.embedding_dim = $${params.length + 2}`,
      [...params, model, dimension],
    );
  }
}
