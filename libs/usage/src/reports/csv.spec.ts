import { csvField, csvLine } from './csv';

describe('CSV lines', () => {
  it('quotes fields with commas, quotes and line breaks, and leaves plain ones alone', () => {
    expect(csvLine(['a', 'b, c', 'say "hi"', 'two\nlines', null, 42])).toBe('a,"b, c","say ""hi""","two\nlines",,42\r\n');
  });

  it('keeps a spreadsheet from running a name as a formula', () => {
    expect(csvField('=HYPERLINK("http://evil")')).toBe(`"'=HYPERLINK(""http://evil"")"`);
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('-1')).toBe("'-1");
    expect(csvField(-1)).toBe('-1');
    expect(csvField('ada@example.org')).toBe('ada@example.org');
  });
});
