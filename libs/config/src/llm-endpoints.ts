import type { EnvReader } from './env-parsers';
import { redactUrl } from './redact-url';

export const LLM_CAPABILITIES = ['chat', 'vision', 'embeddings'] as const;
export type LlmCapability = (typeof LLM_CAPABILITIES)[number];

/** A model an endpoint serves and what it is for. */
export interface LlmEndpointModel {
  id: string;
  capabilities: LlmCapability[];
}

/** One extra OpenAI-compatible server from LLM_ENDPOINTS (Mistral's API and vLLM come from their own variables). */
export interface LlmEndpointConfig {
  name: string;
  baseUrl: string;
  apiKey?: string;
  models: LlmEndpointModel[];
  /** Ask for usage in streamed answers (stream_options); Mistral's API refuses the option. */
  streamUsage: boolean;
  /** Among endpoints serving one model, lower is tried first; absent: after the built-in ones, in list order. */
  priority?: number;
  /** Share of the requests among endpoints of equal priority (default 1). */
  weight: number;
}

const VARIABLE = 'LLM_ENDPOINTS';
const FIELDS = ['name', 'base_url', 'api_key', 'models', 'capabilities', 'stream_usage', 'priority', 'weight'];
const MODEL_FIELDS = ['id', 'capabilities'];
// Stored in messages.llm_provider (50 characters); the built-in names come from their own variables.
const NAME = /^[a-z0-9][a-z0-9_.-]{0,49}$/;
const RESERVED_NAMES = ['mistral', 'vllm', 'none'];
const MAX_MODEL_ID = 200;

/** Records a problem; returns undefined so a parser can `return fail(...)`. */
type Problem = (field: string, message: string) => undefined;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isIntegerIn(value: unknown, min: number, max: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max;
}

function unknownFields(value: Record<string, unknown>, known: string[], at: string, fail: Problem): void {
  for (const key of Object.keys(value).filter((key) => !known.includes(key))) {
    fail(`${at}.${key}`, `is not a known field (expected ${known.join(', ')})`);
  }
}

function capabilities(value: unknown, at: string, fail: Problem): LlmCapability[] | undefined {
  const valid = (item: unknown): item is LlmCapability => LLM_CAPABILITIES.includes(item as LlmCapability);
  if (!Array.isArray(value) || value.length === 0 || !value.every(valid)) {
    fail(at, `must be a non-empty array of ${LLM_CAPABILITIES.join(', ')}`);
    return undefined;
  }
  return [...new Set(value)];
}

function baseUrl(value: unknown, at: string, fail: Problem): string | undefined {
  if (typeof value !== 'string' || !value.trim()) return fail(at, 'must be an http or https URL');
  try {
    if (['http:', 'https:'].includes(new URL(value.trim()).protocol)) return value.trim();
  } catch {
    // reported below, with the password hidden
  }
  return fail(at, `must be an http or https URL (got "${redactUrl(value)}")`);
}

/** A model is its id (with the endpoint's capabilities) or `{"id", "capabilities"}`. */
function model(value: unknown, fallback: LlmCapability[] | undefined, at: string, fail: Problem): LlmEndpointModel | undefined {
  const entry = typeof value === 'string' ? { id: value } : value;
  if (!isRecord(entry)) return fail(at, 'must be a model id or {"id", "capabilities"}');
  unknownFields(entry, MODEL_FIELDS, at, fail);
  const id = typeof entry.id === 'string' ? entry.id.trim() : '';
  if (!id || id.length > MAX_MODEL_ID) return fail(`${at}.id`, `must be a model id of 1 to ${MAX_MODEL_ID} characters`);
  const own = entry.capabilities === undefined ? fallback : capabilities(entry.capabilities, `${at}.capabilities`, fail);
  return own && { id, capabilities: own };
}

function endpoint(value: unknown, at: string, fail: Problem): LlmEndpointConfig | undefined {
  if (!isRecord(value)) return fail(at, 'must be an object with name, base_url, models');
  unknownFields(value, FIELDS, at, fail);
  const { name, api_key: apiKey, stream_usage: streamUsage, priority, weight } = value;
  if (typeof name !== 'string' || !NAME.test(name)) {
    fail(`${at}.name`, 'must be 1 to 50 lower-case letters, digits, ".", "_" or "-"');
  } else if (RESERVED_NAMES.includes(name)) {
    fail(`${at}.name`, `"${name}" is reserved (set Mistral's API and vLLM with their own variables)`);
  }
  const url = baseUrl(value.base_url, `${at}.base_url`, fail);
  // Never quoted: it is a secret.
  if (apiKey !== undefined && (typeof apiKey !== 'string' || !apiKey.trim())) fail(`${at}.api_key`, 'must be a non-empty string');
  if (streamUsage !== undefined && typeof streamUsage !== 'boolean') fail(`${at}.stream_usage`, 'must be true or false');
  if (priority !== undefined && !isIntegerIn(priority, 0, 1000)) fail(`${at}.priority`, 'must be an integer from 0 to 1000');
  if (weight !== undefined && !isIntegerIn(weight, 1, 1000)) fail(`${at}.weight`, 'must be an integer from 1 to 1000');
  const fallback = value.capabilities === undefined ? ['chat' as const] : capabilities(value.capabilities, `${at}.capabilities`, fail);
  if (!Array.isArray(value.models) || value.models.length === 0) return fail(`${at}.models`, 'must be a non-empty array');
  const models = value.models.map((item, i) => model(item, fallback, `${at}.models[${i}]`, fail));
  if (typeof name !== 'string' || !url || !models.every((item) => item !== undefined)) return undefined;
  return {
    name,
    baseUrl: url,
    apiKey: typeof apiKey === 'string' ? apiKey.trim() : undefined,
    models,
    streamUsage: streamUsage !== false,
    ...(typeof priority === 'number' ? { priority } : {}),
    weight: typeof weight === 'number' ? weight : 1,
  };
}

/**
 * LLM_ENDPOINTS: a JSON array of extra OpenAI-compatible servers. Each problem
 * names its field (`LLM_ENDPOINTS[0].base_url`); no message quotes a key.
 */
export function readLlmEndpoints(read: EnvReader): LlmEndpointConfig[] {
  const raw = read.raw(VARIABLE);
  if (raw === undefined) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    // JSON.parse's message may quote the text, keys included.
    read.fail(VARIABLE, 'is not valid JSON (expected an array of endpoints)');
    return [];
  }
  if (!Array.isArray(parsed)) {
    read.fail(VARIABLE, 'must be a JSON array of endpoints');
    return [];
  }
  const before = read.problems.length;
  const fail: Problem = (field, message) => {
    read.fail(field, message);
    return undefined;
  };
  const endpoints = parsed.map((item, i) => endpoint(item, `${VARIABLE}[${i}]`, fail));
  const names = parsed.map((item) => (isRecord(item) ? item.name : undefined));
  names.forEach((name, i) => {
    if (typeof name === 'string' && names.indexOf(name) !== i) {
      fail(`${VARIABLE}[${i}].name`, `"${name}" is already the name of another endpoint`);
    }
  });
  return read.problems.length > before ? [] : endpoints.filter((item) => item !== undefined);
}

/** EMBEDDING_PROVIDER naming an endpoint of LLM_ENDPOINTS: it must serve EMBEDDING_MODEL as an embeddings model. */
export function checkEndpointEmbeddings(read: EnvReader, endpoints: LlmEndpointConfig[], provider: string, model: string): void {
  const endpoint = endpoints.find((item) => item.name === provider);
  if (!endpoint) return;
  if (!endpoint.models.some((item) => item.id === model && item.capabilities.includes('embeddings'))) {
    read.fail('EMBEDDING_MODEL', `"${model}" is not an embeddings model of the LLM_ENDPOINTS endpoint "${provider}"`);
  }
}
