import createClient from 'openapi-fetch';
import type { components, paths } from './generated/api';

/** Wire types, generated from the server's OpenAPI document at build time (never committed). */
export type Schemas = components['schemas'];
export type Message = Schemas['MessageResponse'];
export type Chat = Schemas['ChatResponse'];
export type Agent = Schemas['AgentResponse'];
export type DocumentInfo = Schemas['DocumentResponse'];
export type User = Schemas['UserResponse'];
export type Citation = NonNullable<Message['citations']>[number];
type UploadBody = NonNullable<paths['/api/documents/upload']['post']['requestBody']>['content']['multipart/form-data'];

let token: string | undefined;

export function setToken(value: string | undefined): void {
  token = value;
}

export function currentToken(): string | undefined {
  return token;
}

/** openapi-fetch on the page's own origin; every call carries the access token. */
export const api = createClient<paths>({ baseUrl: location.origin });
api.use({
  onRequest({ request }) {
    if (token) request.headers.set('Authorization', `Bearer ${token}`);
    return request;
  },
});

/** Thrown for any non-2xx answer: the server's `detail` as the message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    detail: unknown,
  ) {
    super(typeof detail === 'string' ? detail : detail ? JSON.stringify(detail) : `HTTP ${status}`);
  }
}

/** The body of a successful call, or an ApiError. */
export function ok<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (result.error !== undefined || !result.response.ok) {
    const body = result.error as { detail?: unknown } | undefined;
    throw new ApiError(result.response.status, body?.detail ?? body);
  }
  return result.data as T;
}

/** A list endpoint's items, whether it answers a page (`{items, next_before}`) or a bare array. */
export function itemsOf<T>(list: T[] | { items: T[] }): T[] {
  return Array.isArray(list) ? list : list.items;
}

export async function uploadDocument(chatId: number, file: File): Promise<DocumentInfo> {
  const form = new FormData();
  form.set('entity_type', 'chat');
  form.set('entity_id', String(chatId));
  form.set('file', file);
  // openapi-fetch sends a FormData body as is (multipart, with its boundary).
  return ok(await api.POST('/api/documents/upload', { body: form as unknown as UploadBody }));
}

/** Opens a document in a new tab through a short-lived download ticket (no token in the URL). */
export async function openDocument(documentId: number): Promise<void> {
  const ticket = ok(await api.POST('/api/documents/{id}/ticket', { params: { path: { id: documentId } } }));
  window.open(ticket.url, '_blank', 'noopener');
}

/** A one-chat SSE URL, or undefined (204) when no answer is in progress. */
export async function streamTicket(chatId: number): Promise<string | undefined> {
  const result = await api.POST('/api/messages/stream/{chatId}/ticket', { params: { path: { chatId } } });
  if (result.response.status === 204) return undefined;
  return ok(result).url;
}

/** What a citation names, read defensively (older documents typed citations as plain objects). */
export function citationOf(citation: Citation): { index: number; documentId: number; filename: string; page?: number } | undefined {
  const c = citation as { index?: unknown; document_id?: unknown; filename?: unknown; page?: unknown };
  if (typeof c.document_id !== 'number') return undefined;
  return {
    index: typeof c.index === 'number' ? c.index : 0,
    documentId: c.document_id,
    filename: typeof c.filename === 'string' ? c.filename : `document ${c.document_id}`,
    page: typeof c.page === 'number' ? c.page : undefined,
  };
}
