import { ArgumentValidator } from './argument-validator';

describe('ArgumentValidator', () => {
  const validator = new ArgumentValidator();
  const schema = { type: 'object', properties: { a: { type: 'number' }, b: { type: 'number' } }, required: ['a', 'b'] };

  it('accepts arguments the schema allows', () => {
    expect(validator.problem(schema, { a: 1, b: 2 })).toBeNull();
  });

  it('says what is wrong with the others', () => {
    expect(validator.problem(schema, { a: 'one', b: 2 })).toBe('invalid arguments: /a must be number');
    expect(validator.problem(schema, { a: 1 })).toBe("invalid arguments: (arguments) must have required property 'b'");
  });

  it('reads draft 2020-12 schemas, and refuses a schema it cannot compile rather than skip the check', () => {
    const modern = { $schema: 'https://json-schema.org/draft/2020-12/schema', type: 'object', properties: { q: { type: 'string' } }, required: ['q'] };
    expect(validator.problem(modern, { q: 'x' })).toBeNull();
    expect(validator.problem(modern, {})).toMatch(/required property 'q'/);
    expect(validator.problem({ type: 'no-such-type' }, {})).toBe("the tool's input schema is not valid JSON Schema");
  });
});
