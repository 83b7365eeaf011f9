import { BodyShapeLimits, jsonShapeProblem, valueShapeProblem } from './body-shape';

const limits: BodyShapeLimits = { maxDepth: 3, maxValues: 6 };

/** Both checkers, on the same JSON: one reads the text, the other the parsed value. */
function problems(text: string): [string | undefined, string | undefined] {
  return [jsonShapeProblem(text, limits), valueShapeProblem(JSON.parse(text), limits)];
}

describe('body shape limits', () => {
  it.each([
    ['scalars and empty containers', '{"a":1,"b":[],"c":{},"d":"x"}'],
    ['exactly the depth limit', '{"a":[{"b":1}]}'],
    ['exactly the value limit', '{"a":[1,2,3],"b":{"c":null}}'],
    ['structure inside strings', '{"a":"{[,,,]}\\"{{{{{,,,,"}'],
    ['whitespace everywhere', ' { "a" : [ 1 , 2 ] , "b" : { } } '],
    ['a top-level array', '[1,2,[3]]'],
  ])('accepts %s', (_case, text) => {
    expect(problems(text)).toEqual([undefined, undefined]);
  });

  it.each([
    ['one level too deep', '{"a":[{"b":[]}]}', 'is nested deeper than 3 levels'],
    ['one value too many', '{"a":[1,2,3],"b":{"c":null,"d":1}}', 'has more than 6 values (fields and array items)'],
    ['many fields in one object', JSON.stringify(Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`k${i}`, i]))), 'has more than 6 values'],
    ['a long array', JSON.stringify(Array(7).fill(0)), 'has more than 6 values'],
    ['values spread over nested containers', '[[1,1],[1,1],[1]]', 'has more than 6 values'],
  ])('refuses %s, whichever way it is read', (_case, text, message) => {
    const [fromText, fromValue] = problems(text);
    expect(fromText).toContain(message);
    expect(fromValue).toBe(fromText);
  });

  it('stops at the depth limit on nesting that would overflow a recursive walk', () => {
    const depth = 200_000;
    expect(jsonShapeProblem('['.repeat(depth) + ']'.repeat(depth), limits)).toBe('is nested deeper than 3 levels');
    let deep: unknown[] = [];
    for (let i = 0; i < depth; i++) deep = [deep];
    expect(valueShapeProblem(deep, limits)).toBe('is nested deeper than 3 levels');
  });

  it('leaves scalars and malformed text to the parser', () => {
    expect(valueShapeProblem('text', limits)).toBeUndefined();
    expect(jsonShapeProblem('{"a":', limits)).toBeUndefined();
  });
});
