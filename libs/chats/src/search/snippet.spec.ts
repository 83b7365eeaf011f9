import { snippetOf } from './snippet';

describe('snippetOf', () => {
  it('marks the words as written (accents, case, endings) for unaccented query words', () => {
    expect(snippetOf('La SÉCURITÉ des badges et la sécurisation', ['securite'])).toBe(
      'La <mark>SÉCURITÉ</mark> des badges et la <mark>sécurisation</mark>',
    );
    expect(snippetOf('Two meetings today', ['meeting'])).toBe('Two <mark>meetings</mark> today');
  });

  it('escapes the text around the marks, so the snippet is safe HTML', () => {
    expect(snippetOf('<script>alert("x")</script> & sécurité', ['securite'])).toBe(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; <mark>sécurité</mark>',
    );
  });

  it('cuts a long text around the first match, at word boundaries, with ellipses', () => {
    const text = `${'avant '.repeat(40)}budget ${'après '.repeat(60)}`;
    const snippet = snippetOf(text, ['budget']);
    expect(snippet.startsWith('…avant')).toBe(true);
    expect(snippet).toContain('<mark>budget</mark>');
    expect(snippet.endsWith('…')).toBe(true);
    expect(snippet.length).toBeLessThan(260);
  });

  it('starts at the beginning when nothing matches (a stem the database matched differently)', () => {
    expect(snippetOf('Short text', ['other'])).toBe('Short text');
  });
});
