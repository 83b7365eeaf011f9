const REDACTED = '[redacted]';
/** Audit records keep arguments short: longer strings are cut here. */
const MAX_STRING = 200;
const MAX_DEPTH = 6;

/**
 * A tool call's arguments as the audit keeps them: the value of every key
 * whose name matches `secretKeys` (at any depth) replaced, long strings cut,
 * deep nesting summarised. Arguments that are not JSON are kept as cut text.
 */
export function redactArguments(value: unknown, secretKeys: RegExp, depth = 0): unknown {
  if (typeof value === 'string') return value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value;
  if (value === null || typeof value !== 'object') return value;
  if (depth >= MAX_DEPTH) return '[nested]';
  if (Array.isArray(value)) return value.slice(0, 50).map((item) => redactArguments(item, secretKeys, depth + 1));
  return Object.fromEntries(
    Object.entries(value as Record<string, unknown>).map(([key, item]) => [key, secretKeys.test(key) ? REDACTED : redactArguments(item, secretKeys, depth + 1)]),
  );
}
