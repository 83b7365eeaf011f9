/**
 * A small JSON Schema check against our OpenAPI document, shared by the contract suite
 * (test/contract/client.ts) and e2e tests that check a response they cannot type.
 */
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
export function validateSchema(value: unknown, raw: Schema, at: string, spec: Spec): string[] {
  const schema = resolve(raw, spec);
  const alternatives = schema.oneOf ?? schema.anyOf;
  if (alternatives) {
    if (value === null && schema.nullable) return [];
    return alternatives.some((option) => validateSchema(value, option, at, spec).length === 0) ? [] : [`${at}: ${JSON.stringify(value)} matches none of its alternatives`];
  }
  if (schema.allOf) return schema.allOf.flatMap((part) => validateSchema(value, part, at, spec));
  const actual = typeOf(value);
  const types = schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type];
  if (schema.nullable) types.push('null');
  if (types.length > 0 && !types.includes(actual) && !(actual === 'integer' && types.includes('number'))) {
    return [`${at}: is ${actual}, documented as ${types.join(' | ')}`];
  }
  if (schema.enum && !schema.enum.includes(value)) return [`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`];
  if (actual === 'array' && schema.items) {
    return (value as unknown[]).flatMap((item, index) => validateSchema(item, schema.items!, `${at}[${index}]`, spec));
  }
  if (actual === 'object' && (schema.properties || types.includes('object'))) {
    const record = value as Record<string, unknown>;
    const properties = schema.properties ?? {};
    const problems = (schema.required ?? []).filter((key) => !(key in record)).map((key) => `${at}.${key}: required, missing`);
    for (const [key, item] of Object.entries(record)) {
      if (properties[key]) problems.push(...validateSchema(item, properties[key], `${at}.${key}`, spec));
      else if (schema.additionalProperties === undefined || schema.additionalProperties === false) problems.push(`${at}.${key}: returned but not documented`);
      else if (typeof schema.additionalProperties === 'object') problems.push(...validateSchema(item, schema.additionalProperties, `${at}.${key}`, spec));
    }
    return problems;
  }
  return [];
}
