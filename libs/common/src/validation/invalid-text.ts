// UTF-16 halves without their pair: they have no UTF-8 form.
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** NUL, which PostgreSQL text refuses, or a lone surrogate. */
export const isInvalidText = (value: unknown): boolean =>
  typeof value === 'string' && (value.includes('\0') || LONE_SURROGATE.test(value));

interface Visit {
  value: unknown;
  key?: string | number;
  parent?: Visit;
}

function pathOf(visit: Visit): (string | number)[] {
  const path: (string | number)[] = [];
  for (let at: Visit | undefined = visit; at?.key !== undefined; at = at.parent) path.unshift(at.key);
  return path;
}

/**
 * Where the first string (value or field name) that is not valid text sits in
 * a parsed value, or undefined. A bad field name is reported at its object,
 * never echoed. Explicit stack, no recursion; each value is visited once.
 */
export function findInvalidText(value: unknown): (string | number)[] | undefined {
  const stack: Visit[] = [{ value }];
  for (let next = stack.pop(); next; next = stack.pop()) {
    if (isInvalidText(next.value)) return pathOf(next);
    if (typeof next.value !== 'object' || next.value === null) continue;
    const isArray = Array.isArray(next.value);
    for (const [key, child] of Object.entries(next.value)) {
      if (isInvalidText(key)) return pathOf(next);
      stack.push({ value: child, key: isArray ? Number(key) : key, parent: next });
    }
  }
  return undefined;
}
