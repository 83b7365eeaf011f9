import { createCanvas, GlobalFonts } from '@napi-rs/canvas';
import { Document as DocxDocument, Packer, Paragraph } from 'docx';
import * as path from 'node:path';
import { crc32, createDeflateRaw, deflateRawSync } from 'node:zlib';
import PDFDocument from 'pdfkit';

// A font that ships in node_modules (pdfjs-dist), so images render the same on any machine.
const FONT = path.join(path.dirname(require.resolve('pdfjs-dist/package.json')), 'standard_fonts', 'LiberationSans-Regular.ttf');
GlobalFonts.registerFromPath(FONT, 'FixtureSans');

/** A PNG of black text on white, large enough for OCR. */
export async function textImage(lines: string[]): Promise<Buffer> {
  const canvas = createCanvas(1400, 120 + lines.length * 90);
  const context = canvas.getContext('2d');
  context.fillStyle = 'white';
  context.fillRect(0, 0, canvas.width, canvas.height);
  context.fillStyle = 'black';
  context.font = '52px FixtureSans';
  lines.forEach((line, i) => context.fillText(line, 50, 110 + i * 90));
  return canvas.encode('png');
}

function pdf(build: (doc: PDFKit.PDFDocument) => void): Promise<Buffer> {
  const doc = new PDFDocument({ autoFirstPage: false });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) => doc.on('end', () => resolve(Buffer.concat(chunks))));
  build(doc);
  doc.end();
  return done;
}

/** A PDF with a text layer, one page per entry. */
export function textPdf(pages: string[]): Promise<Buffer> {
  return pdf((doc) => pages.forEach((text) => doc.addPage().fontSize(14).text(text)));
}

/** A "scanned" PDF: each page is only an image of text. */
export async function scannedPdf(pages: string[][]): Promise<Buffer> {
  const images = await Promise.all(pages.map(textImage));
  return pdf((doc) => images.forEach((image) => doc.addPage().image(image, 40, 40, { width: 530 })));
}

export function docx(paragraphs: string[]): Promise<Buffer> {
  const document = new DocxDocument({ sections: [{ children: paragraphs.map((text) => new Paragraph(text)) }] });
  return Packer.toBuffer(document);
}

/** A zip entry already deflated: `size` and `crc` are those of its inflated bytes. */
export interface DeflatedEntry {
  name: string;
  compressed: Buffer;
  size: number;
  crc: number;
}

/** An entry made of `times` copies of `block` between `head` and `tail`, deflated as a stream: never held inflated. */
export async function repeatedEntry(name: string, head: string, block: string, times: number, tail: string): Promise<DeflatedEntry> {
  const deflater = createDeflateRaw({ level: 9 });
  const output: Buffer[] = [];
  deflater.on('data', (chunk: Buffer) => output.push(chunk));
  const done = new Promise((resolve, reject) => deflater.on('end', resolve).on('error', reject));
  const copiesPerWrite = Math.ceil((1024 * 1024) / block.length);
  const repeated = Buffer.from(block.repeat(copiesPerWrite));
  let crc = crc32(head);
  let size = Buffer.byteLength(head);
  deflater.write(head);
  for (let written = 0; written < times; written += copiesPerWrite) {
    const piece = written + copiesPerWrite <= times ? repeated : Buffer.from(block.repeat(times - written));
    crc = crc32(piece, crc);
    size += piece.length;
    if (!deflater.write(piece)) await new Promise((resolve) => deflater.once('drain', resolve));
  }
  crc = crc32(tail, crc);
  size += Buffer.byteLength(tail);
  deflater.end(tail);
  await done;
  return { name, compressed: Buffer.concat(output), size, crc };
}

/** A zip of the given entries (deflated), written by hand so a bomb can be made. */
export function zip(entries: ({ name: string; data: Buffer } | DeflatedEntry)[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name);
    const { compressed, size, crc } =
      'data' in entry ? { compressed: deflateRawSync(entry.data, { level: 9 }), size: entry.data.length, crc: crc32(entry.data) } : entry;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

/** A DOCX-looking zip with a part that inflates to `megabytes` of zeros. */
export function docxBomb(megabytes: number): Buffer {
  return zip([
    { name: '[Content_Types].xml', data: Buffer.from('<?xml version="1.0"?><Types/>') },
    { name: 'word/document.xml', data: Buffer.from('<w:document/>') },
    { name: 'word/media/bomb.bin', data: Buffer.alloc(megabytes * 1024 * 1024) },
  ]);
}
