import { detectType } from './extraction/detect-type';
import { sanitiseFilename } from './safe-filename';

describe('sanitiseFilename', () => {
  it('keeps only a bounded base name without control or header-breaking characters', () => {
    expect(sanitiseFilename('../../etc/passwd')).toBe('passwd');
    expect(sanitiseFilename('..\\..\\boot.ini')).toBe('boot.ini');
    expect(sanitiseFilename('a\u0000b\r\n"c".txt')).toBe('a_b___c_.txt');
    expect(sanitiseFilename('.hidden')).toBe('hidden');
    expect(sanitiseFilename('')).toBe('document');
    expect(sanitiseFilename(undefined)).toBe('document');
    const long = sanitiseFilename(`${'x'.repeat(300)}.pdf`);
    expect(long).toHaveLength(200);
    expect(long.endsWith('.pdf')).toBe(true);
    expect(sanitiseFilename('Procédure congés.docx')).toBe('Procédure congés.docx');
  });
});

describe('detectType', () => {
  it('decides by content, not by name', () => {
    expect(detectType(Buffer.from('%PDF-1.7\n...'), 'x.txt')?.mime).toBe('application/pdf');
    expect(detectType(Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 0]), 'x.pdf')?.mime).toBe('image/jpeg');
    expect(detectType(Buffer.from('RIFF\u0000\u0000\u0000\u0000WEBPVP8 '), 'x')?.mime).toBe('image/webp');
    expect(detectType(Buffer.from([0x49, 0x49, 0x2a, 0x00, 8, 0, 0, 0]), 'scan')?.mime).toBe('image/tiff');
    expect(detectType(Buffer.from('a,b\n1,2\n'), 'data.csv')?.mime).toBe('text/csv');
    expect(detectType(Buffer.from('# Title\n'), 'README.md')?.mime).toBe('text/markdown');
    expect(detectType(Buffer.from('caf\xe9', 'latin1'), 'notes')?.mime).toBe('text/plain');
    expect(detectType(Buffer.from('MZ\u0090\u0000\u0003\u0000'), 'setup.pdf')).toBeNull();
    expect(detectType(Buffer.from('<?xml version="1.0"?><svg/>'), 'logo.txt')).toBeNull();
    expect(detectType(Buffer.from('PK\u0003\u0004xl/workbook.xml'), 'book.docx')).toBeNull();
  });
});
