import * as path from 'node:path';

export type DocumentKind = 'pdf' | 'docx' | 'text' | 'image';

export interface DetectedType {
  kind: DocumentKind;
  mime: string;
  extension: string;
}

const startsWith = (buffer: Buffer, bytes: number[], offset = 0) => bytes.every((byte, i) => buffer[offset + i] === byte);
const ascii = (buffer: Buffer, start: number, end: number) => buffer.subarray(start, end).toString('latin1');

/** Markup is refused even though it is text: served back, it could run script in a browser. */
const MARKUP = /^\s*(<\?xml|<!doctype\s+html|<html|<svg|<script|<head|<body)/i;

/** A DOCX is a zip whose entries include word/document.xml (other Office zips are not supported). */
function isDocx(buffer: Buffer): boolean {
  return startsWith(buffer, [0x50, 0x4b, 0x03, 0x04]) && buffer.includes('word/document.xml', 0, 'latin1');
}

function looksLikeText(buffer: Buffer): boolean {
  const sample = buffer.subarray(0, 64 * 1024);
  if (sample.length === 0 || sample.includes(0)) return false;
  let control = 0;
  for (const byte of sample) if (byte < 0x20 && byte !== 0x09 && byte !== 0x0a && byte !== 0x0d && byte !== 0x0c) control++;
  return control / sample.length < 0.01;
}

/**
 * The type of an upload, from its bytes (the name and the client's header are
 * not trusted); null when it is not a supported format. For text, the name's
 * extension only tells Markdown and CSV from plain text.
 */
export function detectType(buffer: Buffer, originalName: string): DetectedType | null {
  if (startsWith(buffer, [0x25, 0x50, 0x44, 0x46, 0x2d])) return { kind: 'pdf', mime: 'application/pdf', extension: 'pdf' };
  if (startsWith(buffer, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return { kind: 'image', mime: 'image/png', extension: 'png' };
  if (startsWith(buffer, [0xff, 0xd8, 0xff])) return { kind: 'image', mime: 'image/jpeg', extension: 'jpg' };
  if (ascii(buffer, 0, 4) === 'RIFF' && ascii(buffer, 8, 12) === 'WEBP') return { kind: 'image', mime: 'image/webp', extension: 'webp' };
  if (startsWith(buffer, [0x49, 0x49, 0x2a, 0x00]) || startsWith(buffer, [0x4d, 0x4d, 0x00, 0x2a])) {
    return { kind: 'image', mime: 'image/tiff', extension: 'tiff' };
  }
  if (isDocx(buffer)) {
    return { kind: 'docx', mime: 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', extension: 'docx' };
  }
  if (looksLikeText(buffer) && !MARKUP.test(buffer.subarray(0, 1024).toString('utf8').replace(/^\uFEFF/, ''))) {
    const extension = path.extname(originalName).toLowerCase();
    if (extension === '.md' || extension === '.markdown') return { kind: 'text', mime: 'text/markdown', extension: 'md' };
    if (extension === '.csv') return { kind: 'text', mime: 'text/csv', extension: 'csv' };
    return { kind: 'text', mime: 'text/plain', extension: 'txt' };
  }
  return null;
}
