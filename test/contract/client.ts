import * as fs from 'node:fs';
import * as path from 'node:path';
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, paths } from './generated/api';

/** The typed client a frontend gets: openapi-fetch over the types openapi-typescript generated from /api/docs-json. */
export type Api = Client<paths>;

/** Responses that did not match the schema the spec documents for them (the spec lies). */
export const conformance = new Set<string>();

export function apiClient(baseUrl: string, token?: string): Api {
  const client = createClient<paths>({ baseUrl, headers: token ? { Authorization: `Bearer ${token}` } : {} });
  client.use(checkAgainstSpec);
  return client;
}

/** The body of a successful call; throws with the status and error body otherwise. */
export function ok<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (!result.response.ok || result.data === undefined) {
    throw new Error(`${result.response.status} ${result.response.url}: ${JSON.stringify(result.error)}`);
  }
  return result.data;
}

export interface Schema {
  $ref?: string;
  type?: string | string[];
  nullable?: boolean;
  enum?: unknown[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
}

export interface Spec {
  paths: Record<string, Record<string, { responses?: Record<string, { content?: Record<string, { schema?: Schema }> }> }>>;
  components?: { schemas?: Record<string, Schema> };
}

let spec: Spec | undefined;
function loadSpec(): Spec {
  spec ??= JSON.parse(fs.readFileSync(path.join(__dirname, 'generated/openapi.json'), 'utf8')) as Spec;
  return spec;
}

/** Checks every JSON response against the schema documented for its operation and status. */
const checkAgainstSpec: Middleware = {
  async onResponse({ request, response, schemaPath }) {
    const type = response.headers.get('content-type') ?? '';
    if (!type.includes('application/json') || response.status === 204) return undefined;
    const where = `${request.method} ${schemaPath} → ${response.status}`;
    const operation = loadSpec().paths[schemaPath]?.[request.method.toLowerCase()];
    const schema = operation?.responses?.[String(response.status)]?.content?.['application/json']?.schema;
    if (!schema) {
      conformance.add(`${where}: JSON body, but the spec documents none`);
      return undefined;
    }
    const body: unknown = await response.clone().json();
    for (const problem of validate(body, schema, '$')) conformance.add(`${where}: ${problem.replace(/\[\d+\]/g, '[]')}`);
    return undefined;
  },
};

/**
 * Narrows data the generated types cannot describe (an SSE event's JSON) to a documented schema,
 * by checking it; a mismatch is recorded like any other response that breaks the contract.
 */
export function matches<K extends keyof components['schemas']>(value: unknown, name: K, where: string): value is components['schemas'][K] {
  const problems = validate(value, { $ref: `#/components/schemas/${name}` }, '$');
  for (const problem of problems) conformance.add(`${where} (${name}): ${problem}`);
  return problems.length === 0;
}

function resolve(schema: Schema, spec: Spec): Schema {
  if (!schema.$ref) return schema;
  const name = schema.$ref.replace('#/components/schemas/', '');
  const target = spec.components?.schemas?.[name];
  if (!target) throw new Error(`unresolved ${schema.$ref}`);
  return resolve(target, spec);
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

/** A small JSON Schema check (the subset Nest's swagger emits); lists mismatches, with undeclared fields. */
export function validate(value: unknown, raw: Schema, at: string, spec: Spec = loadSpec()): string[] {
  const schema = resolve(raw, spec);
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives) {
    if (value === null && schema.nullable) return [];
    return alternatives.some((option) => validate(value, option, at, spec).length === 0) ? [] : [`${at}: ${JSON.stringify(value)} matches none of its alternatives`];
  }
  if (schema.allOf) return schema.allOf.flatMap((part) => validate(value, part, at, spec));
  const actual = typeOf(value);
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (schema.nullable) types.push('null');
  if (types.length > 0 && !types.includes(actual) && !(actual === 'integer' && types.includes('number'))) {
    return [`${at}: is ${actual}, documented as ${types.join(' | ')}`];
  }
  if (schema.enum && !schema.enum.includes(value)) return [`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`];
  if (actual === 'array' && schema.items) {
    return (value as unknown[]).flatMap((item, index) => validate(item, schema.items!, `${at}[${index}]`, spec));
  }
  if (actual === 'object' && (schema.properties || types.includes('object'))) {
    const record = value as Record<string, unknown>;
    const properties = schema.properties ?? {};
    const problems = (schema.required ?? []).filter((key) => !(key in record)).map((key) => `${at}.${key}: required, missing`);
    for (const [key, item] of Object.entries(record)) {
      if (properties[key]) problems.push(...validate(item, properties[key], `${at}.${key}`, spec));
      else if (schema.additionalProperties === undefined || schema.additionalProperties === false) problems.push(`${at}.${key}: returned but not documented`);
      else if (typeof schema.additionalProperties === 'object') problems.push(...validate(item, schema.additionalProperties, `${at}.${key}`, spec));
    }
    return problems;
  }
  return [];
}
