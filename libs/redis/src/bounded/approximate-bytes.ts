// What V8 spends on an object or array beyond its fields: header, hidden class pointer, backing store.
const OBJECT_OVERHEAD = 32;
// Past this depth a value is counted by its JSON, which is cheaper than walking it and close enough.
const WALK_DEPTH = 3;

/**
 * Roughly how many bytes a value holds in the heap, for bounding caches by
 * size: strings count two bytes a character (the worst case of V8's two
 * encodings), numbers eight, buffers their length. Not exact, and need not be:
 * it only has to grow with the value, so a cache's bound in bytes holds
 * within a small factor whatever its entries look like.
 */
export function approximateBytes(value: unknown, depth = 0): number {
  switch (typeof value) {
    case 'string':
      return 16 + value.length * 2;
    case 'number':
    case 'bigint':
      return 8;
    case 'boolean':
    case 'undefined':
    case 'symbol':
    case 'function':
      return 4;
    case 'object':
      return value === null ? 4 : objectBytes(value, depth);
  }
}

function objectBytes(value: object, depth: number): number {
  if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return OBJECT_OVERHEAD + value.byteLength;
  if (depth >= WALK_DEPTH) return OBJECT_OVERHEAD + jsonLength(value) * 2;
  let bytes = OBJECT_OVERHEAD;
  if (Array.isArray(value)) {
    for (const item of value as unknown[]) bytes += 8 + approximateBytes(item, depth + 1);
  } else if (value instanceof Map) {
    for (const [key, item] of value as Map<unknown, unknown>) bytes += approximateBytes(key, depth + 1) + approximateBytes(item, depth + 1);
  } else {
    for (const [key, item] of Object.entries(value)) bytes += 8 + key.length + approximateBytes(item, depth + 1);
  }
  return bytes;
}

function jsonLength(value: object): number {
  try {
    return JSON.stringify(value)?.length ?? 0;
  } catch {
    return 0; // cyclic: counted by its overhead alone
  }
}
