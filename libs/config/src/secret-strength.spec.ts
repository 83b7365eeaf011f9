import { secretWeakness } from './secret-strength';

describe('secretWeakness', () => {
  it.each([
    ['your-secret-key-here-change-in-production', /placeholder \(contains "secret-key"\)/],
    ['please-changeme-before-going-live-tomorrow', /placeholder \(contains "changeme"\)/],
    ['an-example-value-for-the-docs-only-0000000', /placeholder \(contains "example"\)/],
    ['xxx-a1b2c3d4e5f6g7h8i9j0k1l2m3n4o5p6q7', /placeholder \(contains "xxx"\)/],
    ['ci-only-secret-ci-only-secret-0123456789', /repeats itself/],
    ['a'.repeat(48), /repeats itself/],
    ['abcdefghijklmnopqrstuvwxyz0123456789ABCD', /run of consecutive characters/],
    ['ab1ab2ab3ab4ab5ab6ab7ab8ab9ba1ba2ba3ba4', /too few distinct characters/],
  ])('refuses %s', (secret, reason) => {
    expect(secretWeakness(secret, 32)).toMatch(reason);
  });

  it('refuses a short value first', () => {
    expect(secretWeakness('Zq8#pL2v', 16)).toBe('must be at least 16 characters');
  });

  // Real outputs of openssl rand -base64 48, -hex 16, -hex 32 and a url-safe token (random ones would flake, rarely).
  it.each([
    'nQaUAHVSmXhcQ6G8U6BLtK16Mg6YeLLzN8Nenv2V9riu3AamDDuNIaED3Tar7iJL',
    '2hjoIhMHLMzUnzE855v5o+89x5BI5SBGqua0Keq2MrVWYlBG+j0NfRovAk3ToI6+',
    'a1c49bb3a8933007688c1531677eb04a',
    '6dcb9bb9d0b44f74dd06129b17decf69b80b7872d14cac1f2d21cefe3c255b61',
    'OBa9VWQgOgJh6GCesBEpnXDFVexcAR8E',
  ])('accepts the generated %s', (secret) => {
    expect(secretWeakness(secret, 32)).toBeUndefined();
  });

  it('accepts a 16-character token where 16 is the minimum', () => {
    expect(secretWeakness('oRzufTt5tQn_kmKn', 16)).toBeUndefined();
  });
});
