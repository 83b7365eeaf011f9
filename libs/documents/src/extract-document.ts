import { imageSize } from 'image-size';
import type { DocumentKind } from './detect-type';
import { ExtractionError } from './extraction.errors';
import { extractDocx } from './extractors/docx.extractor';
import { extractPdf } from './extractors/pdf.extractor';
import { decodeText } from './extractors/text.extractor';

export interface ExtractedPage {
  page: number;
  text: string;
  ocr: boolean;
}

export interface ExtractionLimits {
  maxPages: number;
  maxImagePixels: number;
  docxMaxUncompressedBytes: number;
  docxMaxEntries: number;
}

export interface ExtractionContext {
  limits: ExtractionLimits;
  signal: AbortSignal;
  ocr: (image: Buffer) => Promise<string>;
  /** 0..1, for progress events. */
  progress: (fraction: number) => void;
}

function checkImageSize(buffer: Buffer, maxPixels: number): void {
  let size: { width?: number; height?: number };
  try {
    size = imageSize(buffer);
  } catch {
    throw new ExtractionError('The image could not be read');
  }
  const pixels = (size.width ?? 0) * (size.height ?? 0);
  if (pixels === 0) throw new ExtractionError('The image could not be read');
  if (pixels > maxPixels) {
    throw new ExtractionError(`The image is too large (${Math.round(pixels / 1e6)} megapixels; the limit is ${maxPixels / 1e6})`);
  }
}

/** Text of a document by page. Fails with a clear reason when there is none. */
export async function extractDocument(buffer: Buffer, kind: DocumentKind, context: ExtractionContext): Promise<ExtractedPage[]> {
  let pages: ExtractedPage[];
  switch (kind) {
    case 'pdf':
      pages = await extractPdf(buffer, context);
      break;
    case 'docx':
      pages = [{ page: 1, text: await extractDocx(buffer, { maxEntries: context.limits.docxMaxEntries, maxUncompressedBytes: context.limits.docxMaxUncompressedBytes }), ocr: false }];
      break;
    case 'text':
      pages = [{ page: 1, text: decodeText(buffer), ocr: false }];
      break;
    case 'image':
      checkImageSize(buffer, context.limits.maxImagePixels);
      pages = [{ page: 1, text: await context.ocr(buffer), ocr: true }];
      break;
  }
  context.progress(1);
  const cleaned = pages.map((page) => ({ ...page, text: page.text.replaceAll('\u0000', '').trim() }));
  if (!cleaned.some((page) => page.text.length > 0)) {
    throw new ExtractionError(kind === 'image' || cleaned.every((p) => p.ocr) ? 'No text was found in the document (OCR read nothing)' : 'The document contains no text');
  }
  return cleaned;
}
