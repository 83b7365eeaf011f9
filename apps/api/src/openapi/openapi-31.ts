import type { OpenAPIObject } from '@nestjs/swagger';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * One schema's OpenAPI 3.0 `nullable: true` in 3.1's words: `type: [T, 'null']` for a scalar or array,
 * `oneOf: [<the schema>, {type: 'null'}]` for a reference (Nest's swagger writes only the 3.0 form).
 */
function nullableTo31(schema: Json): Json {
  const { nullable, ...rest } = schema;
  if (nullable !== true) return rest;
  const { description, allOf, $ref, ...others } = rest;
  const ref = $ref ?? (Array.isArray(allOf) && allOf.length === 1 ? (allOf[0] as Json).$ref : undefined);
  if (typeof ref === 'string') {
    // Nest adds `type: object` beside the reference; the referenced schema says what it is.
    const siblings = Object.fromEntries(Object.entries(others).filter(([key]) => key !== 'type'));
    return { ...siblings, ...(description === undefined ? {} : { description }), oneOf: [{ $ref: ref }, { type: 'null' }] };
  }
  if (typeof rest.type === 'string') {
    // An enum's values are all a value may be: null must be among them, or a null fails validation.
    const values = Array.isArray(rest.enum) && !rest.enum.includes(null) ? { enum: [...(rest.enum as unknown[]), null] } : {};
    return { ...rest, type: [rest.type, 'null'], ...values };
  }
  throw new Error(`A nullable schema needs a type or a $ref: ${JSON.stringify(schema)}`);
}

function convert(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convert);
  if (!isObject(node)) return node;
  const converted = Object.fromEntries(Object.entries(node).map(([key, value]) => [key, convert(value)]));
  return typeof converted.nullable === 'boolean' ? nullableTo31(converted) : converted;
}

/** The document Nest's swagger generates (3.0 schema dialect), as OpenAPI 3.1. */
export function toOpenApi31(document: OpenAPIObject): OpenAPIObject {
  return { ...(convert(document) as OpenAPIObject), openapi: '3.1.0' };
}
