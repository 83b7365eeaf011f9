export interface BodyShapeLimits {
  maxDepth: number;
  maxValues: number;
}

const tooDeep = (limits: BodyShapeLimits) => `is nested deeper than ${limits.maxDepth} levels`;
const tooMany = (limits: BodyShapeLimits) => `has more than ${limits.maxValues} values (fields and array items)`;

const [QUOTE, BACKSLASH, COMMA, OPEN_ARRAY, CLOSE_ARRAY, OPEN_OBJECT, CLOSE_OBJECT] = [...'"\\,[]{}'].map((c) => c.charCodeAt(0));
const isSpace = (code: number) => code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09;

/**
 * What makes JSON text too costly to parse and validate, or undefined, read
 * from the raw text in one pass before JSON.parse: DTO transformation grows
 * with every value (faster than linearly with the fields of one object), and
 * validation recurses with depth. Counts as valueShapeProblem does.
 */
export function jsonShapeProblem(text: string, limits: BodyShapeLimits): string | undefined {
  let depth = 0;
  let values = 0;
  let inString = false;
  let justOpened = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === BACKSLASH) i++;
      else if (code === QUOTE) inString = false;
      continue;
    }
    if (isSpace(code)) continue;
    // The first value of a container, or one after a comma, is one more value.
    if ((justOpened && code !== CLOSE_ARRAY && code !== CLOSE_OBJECT) || (code === COMMA && depth > 0)) {
      if (++values > limits.maxValues) return tooMany(limits);
    }
    justOpened = code === OPEN_ARRAY || code === OPEN_OBJECT;
    if (justOpened && ++depth > limits.maxDepth) return tooDeep(limits);
    if (code === CLOSE_ARRAY || code === CLOSE_OBJECT) depth--;
    inString = code === QUOTE;
  }
  return undefined;
}

const isContainer = (value: unknown): value is object => typeof value === 'object' && value !== null;

/** The same limits for a value already parsed (a socket payload): explicit stack, no recursion. */
export function valueShapeProblem(value: unknown, limits: BodyShapeLimits): string | undefined {
  if (!isContainer(value)) return undefined;
  const stack: { container: object; depth: number }[] = [{ container: value, depth: 1 }];
  let values = 0;
  for (let next = stack.pop(); next; next = stack.pop()) {
    if (next.depth > limits.maxDepth) return tooDeep(limits);
    // Counted from the keys first: listing the values of a huge object costs far more.
    values += Array.isArray(next.container) ? next.container.length : Object.keys(next.container).length;
    if (values > limits.maxValues) return tooMany(limits);
    for (const child of Object.values(next.container)) if (isContainer(child)) stack.push({ container: child, depth: next.depth + 1 });
  }
  return undefined;
}
