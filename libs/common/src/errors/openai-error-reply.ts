import type { ErrorReply } from './error-mapping';

/** The OpenAI-compatible API (/v1) answers its errors in OpenAI's shape, so official SDKs raise their usual exceptions. */
export function isOpenAiRequest(url: string): boolean {
  return /^\/v1(?:[/?#]|$)/.test(url);
}

export interface OpenAiErrorBody {
  error: { message: string; type: string; code: string | null; param: string | null };
}

export interface OpenAiErrorReply {
  status: number;
  headers: Record<string, string>;
  body: OpenAiErrorBody;
}

/** What a domain error may add for the /v1 renderer: OpenAI's `code` and `param` (e.g. `model_not_found` on `model`). */
export interface OpenAiErrorHint {
  openAiCode?: string;
  openAiParam?: string;
}

/** OpenAI's error `type` (and default `code`) per status; anything else 4xx is an invalid request, 5xx an api_error. */
const KINDS: Record<number, { type: string; code: string | null }> = {
  400: { type: 'invalid_request_error', code: null },
  401: { type: 'authentication_error', code: 'invalid_api_key' },
  403: { type: 'permission_error', code: null },
  404: { type: 'not_found_error', code: null },
  429: { type: 'rate_limit_error', code: 'rate_limit_exceeded' },
};

/** `['body', 'messages', 0, 'content']` → `messages[0].content`, as OpenAI names a parameter. */
function paramOf(loc: (string | number)[]): string | null {
  const path = loc[0] === 'body' || loc[0] === 'query' || loc[0] === 'path' ? loc.slice(1) : loc;
  const name = path.map((part, i) => (typeof part === 'number' ? `[${part}]` : i === 0 ? part : `.${part}`)).join('');
  return name || null;
}

/**
 * The /v1 rendering of a reply error-mapping.ts already decided (the one mapping; this only
 * re-renders it): `{"error": {message, type, code, param}}`. Field problems (422 in the rest of the
 * API) are OpenAI's 400 invalid_request_error, naming the first bad parameter.
 */
export function toOpenAiErrorReply(reply: ErrorReply, error?: unknown): OpenAiErrorReply {
  const hint = (error ?? {}) as OpenAiErrorHint;
  const { detail, correlation_id } = reply.body;
  const status = reply.status === 422 ? 400 : reply.status;
  const kind = KINDS[status] ?? { type: status >= 500 ? 'api_error' : 'invalid_request_error', code: null };
  let message: string;
  let param: string | null = hint.openAiParam ?? null;
  if (typeof detail === 'string') message = detail;
  else {
    message = detail.map((problem) => problem.msg).join('; ');
    param ??= detail.length ? paramOf(detail[0].loc) : null;
  }
  if (correlation_id) message = `${message} (correlation id ${correlation_id})`;
  return { status, headers: reply.headers, body: { error: { message, type: kind.type, code: hint.openAiCode ?? kind.code, param } } };
}
