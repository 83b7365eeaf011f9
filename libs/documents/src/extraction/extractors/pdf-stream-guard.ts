import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createInflate } from 'node:zlib';
import { ExtractionError } from '../extraction.errors';

// How far before `stream` its dictionary is looked for.
const DICTIONARY_WINDOW = 4096;

/** A stream compressed by Flate alone (chained filters are left to the reader's memory limit). */
function isFlate(dictionary: string): boolean {
  const filter = /\/Filter\s*(\[\s*\/\w+\s*\]|\/\w+)/.exec(dictionary)?.[1].replace(/[[\]\s]/g, '');
  return filter === '/FlateDecode' || filter === '/Fl';
}

async function checkInflatedSize(data: Buffer, maxBytes: number): Promise<void> {
  let total = 0;
  // Damaged data is the PDF reader's to judge; the pipeline's error may be any stream's, so the size is checked after.
  await pipeline(Readable.from([data]), createInflate(), async (source: AsyncIterable<Buffer>) => {
    for await (const piece of source) {
      total += piece.length;
      if (total > maxBytes) return;
    }
  }).catch(() => undefined);
  if (total > maxBytes) {
    throw new ExtractionError(`The PDF holds a compressed stream that expands past ${Math.round(maxBytes / 1024 / 1024)} MB`);
  }
}

/**
 * Inflates each Flate stream of a PDF (images aside: the reader bounds them by
 * their pixel count) as a stream, stopping at `maxBytes`: a small file cannot
 * make the reader decode gigabytes.
 */
export async function checkPdfStreams(buffer: Buffer, maxBytes: number): Promise<void> {
  let at = 0;
  // Dictionaries are read from past the previous stream only, so the work stays linear in the file's size.
  let scanned = 0;
  while ((at = buffer.indexOf('stream', at, 'latin1')) >= 0) {
    const keywordEnd = at + 'stream'.length;
    if (buffer.toString('latin1', Math.max(0, at - 3), at) === 'end') {
      at = scanned = keywordEnd;
      continue;
    }
    const dictionary = buffer.toString('latin1', Math.max(scanned, at - DICTIONARY_WINDOW), at);
    const objectStart = dictionary.lastIndexOf(' obj');
    const own = objectStart >= 0 ? dictionary.slice(objectStart) : dictionary;
    let start = keywordEnd;
    if (buffer[start] === 0x0d) start++;
    if (buffer[start] === 0x0a) start++;
    const end = buffer.indexOf('endstream', start, 'latin1');
    if (end < 0) return;
    if (isFlate(own) && !/\/Subtype\s*\/Image\b/.test(own)) await checkInflatedSize(buffer.subarray(start, end), maxBytes);
    at = scanned = end + 'endstream'.length;
  }
}
