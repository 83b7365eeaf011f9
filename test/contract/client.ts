import * as fs from 'node:fs';
import * as path from 'node:path';
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { components, paths } from './generated/api';
import { validateSchema } from '../support/json-schema';
import type { Schema, Spec } from '../support/json-schema';

export type { Schema, Spec };

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
/** A new account, signed in: its client (through the generated client, so both calls are checked too). */
export async function signUpClient(baseUrl: string, email: string, trigramme: string, password = 'correct horse battery'): Promise<Api> {
  const anonymous = apiClient(baseUrl);
  ok(await anonymous.POST('/api/auth/register', { body: { email, trigramme, password } }));
  const login = ok(await anonymous.POST('/api/auth/login', { body: { email, password } }));
  return apiClient(baseUrl, login.access_token);
}

export function ok<T>(result: { data?: T; error?: unknown; response: Response }): T {
  if (!result.response.ok || result.data === undefined) {
    throw new Error(`${result.response.status} ${result.response.url}: ${JSON.stringify(result.error)}`);
  }
  return result.data;
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

/** Checks a value against a schema of our OpenAPI document (by default the generated one). */
export function validate(value: unknown, raw: Schema, at: string, against: Spec = loadSpec()): string[] {
  return validateSchema(value, raw, at, against);
}
