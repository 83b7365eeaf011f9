import type { DocumentKind } from '../detect-type';
import type { ExtractedPage, ExtractionLimits } from '../extract-document';
import type { ChunkOptions, TextChunk } from '#text';

/** What the extraction thread is given. */
export interface ExtractionTask {
  filePath: string;
  kind: DocumentKind;
  limits: ExtractionLimits;
  chunking: ChunkOptions;
  /** Heap and buffers the thread may hold. */
  memoryMb: number;
}

export interface ExtractionResult {
  pages: ExtractedPage[];
  chunks: TextChunk[];
}

/** From the thread to the process. `reason` is set for a document that cannot be read (words for the user). */
export type ThreadMessage =
  | { type: 'progress'; fraction: number }
  | { type: 'ocr'; id: number; image: Uint8Array }
  | ({ type: 'done' } & ExtractionResult)
  | { type: 'failed'; reason?: string; detail: string }
  | { type: 'memory' };

/** From the process to the thread: the text OCR read from an image it asked for. */
export interface OcrAnswer {
  id: number;
  text: string;
}
