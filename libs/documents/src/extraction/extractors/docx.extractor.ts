import { ExtractionError } from '../extraction.errors';
import type { TextBudget } from '../text-budget';
import { WordTextScanner } from './word-text-scanner';
import { inflateEntry, readZipDirectory, ZipLimits } from './zip-reader';

/** The body text of a DOCX, streamed from its zip: memory stays small whatever the part inflates to. */
export async function extractDocx(buffer: Buffer, limits: ZipLimits, budget: TextBudget): Promise<string> {
  const body = readZipDirectory(buffer, limits).find((entry) => entry.name === 'word/document.xml');
  if (!body) throw new ExtractionError('The DOCX file has no document body');
  const parts: string[] = [];
  const scanner = new WordTextScanner((text) => {
    budget.take(text.length);
    parts.push(text);
  });
  const decoder = new TextDecoder('utf-8');
  for await (const piece of inflateEntry(body, limits.maxUncompressedBytes)) scanner.feed(decoder.decode(piece, { stream: true }));
  scanner.feed(decoder.decode());
  return parts.join('');
}
