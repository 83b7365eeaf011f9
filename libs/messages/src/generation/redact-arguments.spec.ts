import { redactArguments } from './redact-arguments';

describe('redactArguments', () => {
  const secrets = /pass|secret|token|key|auth/i;

  it('replaces the values of secret-looking keys at any depth, keeping the rest', () => {
    const args = { query: 'weather', api_key: 'sk-123', nested: { Password: 'hunter2', items: [{ token: 't', keep: 1 }] } };
    expect(redactArguments(args, secrets)).toEqual({
      query: 'weather',
      api_key: '[redacted]',
      nested: { Password: '[redacted]', items: [{ token: '[redacted]', keep: 1 }] },
    });
  });

  it('cuts long strings and deep nesting, and keeps arguments that are not JSON as cut text', () => {
    const deep = { a: { b: { c: { d: { e: { f: { g: 1 } } } } } } };
    expect(redactArguments(deep, secrets)).toEqual({ a: { b: { c: { d: { e: { f: '[nested]' } } } } } });
    const long = 'y'.repeat(500);
    expect(redactArguments({ text: long }, secrets)).toEqual({ text: `${'y'.repeat(200)}…` });
    expect(redactArguments('{"not": json', secrets)).toBe('{"not": json');
  });
});
