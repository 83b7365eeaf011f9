import { shortError } from './short-error';

describe('shortError', () => {
  it('masks the secrets a message quotes and adds the system code fetch hides in its cause', () => {
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect'), { code: 'ECONNREFUSED' }) });
    expect(shortError(refused)).toBe('fetch failed (ECONNREFUSED)');
    expect(shortError(new Error('Unauthorized: token s3cr3t-value rejected'), ['s3cr3t-value'])).toBe('Unauthorized: token *** rejected');
  });

  it('stays one short line', () => {
    const told = shortError(new Error(`line\n${'x'.repeat(500)}`));
    expect(told).not.toContain('\n');
    expect(told.length).toBeLessThanOrEqual(200);
  });
});
