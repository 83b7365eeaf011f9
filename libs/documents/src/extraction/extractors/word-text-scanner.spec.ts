import { WordTextScanner } from './word-text-scanner';

function scan(pieces: string[]): string {
  let text = '';
  const scanner = new WordTextScanner((part) => (text += part));
  pieces.forEach((piece) => scanner.feed(piece));
  return text;
}

describe('WordTextScanner', () => {
  const xml =
    '<?xml version="1.0"?><w:document><w:body>' +
    '<w:p><w:pPr><w:tabs><w:tab w:val="left"/></w:tabs></w:pPr><w:r><w:t>Proc&#233;dure</w:t><w:tab/><w:t xml:space="preserve">A &amp; B</w:t></w:r></w:p>' +
    '<w:p><w:r><w:t>ligne</w:t><w:br/><w:t>suivante</w:t></w:r><w:r><w:instrText>PAGE</w:instrText></w:r></w:p>' +
    '<w:p><mc:AlternateContent><mc:Choice><w:r><w:t>deux fois</w:t></w:r></mc:Choice><mc:Fallback><w:r><w:t>une fois</w:t></w:r></mc:Fallback></mc:AlternateContent></w:p>' +
    '</w:body></w:document>';

  it('keeps runs\' text, tabs, breaks and paragraphs; not properties, field codes or alternate content twice', () => {
    expect(scan([xml])).toBe('Procédure\tA & B\n\nligne\nsuivante\n\nune fois\n\n');
  });

  it('reads the same whatever the pieces it is fed in, tags and entities cut included', () => {
    for (const size of [1, 2, 3, 7, 64]) {
      const pieces = xml.match(new RegExp(`[^]{1,${size}}`, 'g'))!;
      expect(scan(pieces)).toBe(scan([xml]));
    }
  });

  it('refuses a tag that never ends instead of holding it', () => {
    const scanner = new WordTextScanner(() => undefined);
    expect(() => scanner.feed(`<w:t ${'a'.repeat(100_000)}`)).toThrow('The DOCX file is damaged (bad XML)');
  });
});
