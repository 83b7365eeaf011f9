import { createDeflate } from 'node:zlib';
import { repeatedEntry, zip } from './fixtures';

const MB = 1024 * 1024;

/** A one-page PDF whose content stream inflates to `megabytes` of spaces (compressed as a stream, never held inflated). */
export async function pdfWithHugeContent(megabytes: number): Promise<Buffer> {
  const deflater = createDeflate({ level: 9 });
  const output: Buffer[] = [];
  deflater.on('data', (chunk: Buffer) => output.push(chunk));
  const done = new Promise((resolve) => deflater.on('end', resolve));
  const block = Buffer.alloc(16 * MB, ' ');
  for (let i = 0; i < megabytes / 16; i++) {
    if (!deflater.write(block)) await new Promise((resolve) => deflater.once('drain', resolve));
  }
  deflater.end();
  await done;
  const stream = Buffer.concat(output);
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>',
  ].map((body) => Buffer.from(body));
  const parts: Buffer[] = [Buffer.from('%PDF-1.7\n')];
  const offsets: number[] = [];
  const add = (buffer: Buffer) => parts.push(buffer);
  const size = () => parts.reduce((sum, part) => sum + part.length, 0);
  objects.forEach((body, i) => {
    offsets.push(size());
    add(Buffer.concat([Buffer.from(`${i + 1} 0 obj\n`), body, Buffer.from('\nendobj\n')]));
  });
  offsets.push(size());
  add(Buffer.from(`4 0 obj\n<< /Length ${stream.length} /Filter /FlateDecode >>\nstream\n`));
  add(stream);
  add(Buffer.from('\nendstream\nendobj\n'));
  const xref = size();
  add(Buffer.from(`xref\n0 5\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`));
  add(Buffer.from(`trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`));
  return Buffer.concat(parts);
}

/** A DOCX under 1 MB whose document.xml inflates to about `megabytes` of paragraphs. */
export async function docxWithHugeBody(megabytes: number): Promise<Buffer> {
  const paragraph = '<w:p><w:r><w:t>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</w:t></w:r></w:p>';
  const body = await repeatedEntry(
    'word/document.xml',
    '<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>',
    paragraph,
    Math.floor((megabytes * MB) / paragraph.length),
    '</w:body></w:document>',
  );
  return zip([{ name: '[Content_Types].xml', data: Buffer.from('<?xml version="1.0"?><Types/>') }, body]);
}

/** About a megabyte of words with no paragraph or sentence break (it once cost a minute of chunking). */
export const textWithoutBreaks = (): Buffer => Buffer.from(Array.from({ length: 180_000 }, (_, i) => `mot${i % 97}`).join(' '));

/**
 * Three million one-letter headings: 9 MB, within a 10,000,000-character cap, but each heading starts a
 * chunk of its own: millions of chunks to hold (past 128 MB of job memory).
 */
export const confettiText = (): Buffer => Buffer.from('A\n\n'.repeat(3_000_000));
