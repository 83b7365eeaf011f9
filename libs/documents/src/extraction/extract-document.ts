import type { AppConfig } from '#config';
import { imageSize } from 'image-size';
import type { DocumentKind } from './detect-type';
import { ExtractionError } from './extraction.errors';
import { extractDocx } from './extractors/docx.extractor';
import { extractPdf } from './extractors/pdf.extractor';
import { decodeText } from './extractors/text.extractor';
import { TextBudget } from './text-budget';

export interface ExtractedPage {
  page: number;
  text: string;
  ocr: boolean;
}

/** The DOCUMENT_* limits an extraction thread applies. */
export type ExtractionLimits = Pick<
  AppConfig['documents'],
  'maxPages' | 'maxImagePixels' | 'docxMaxUncompressedBytes' | 'docxMaxEntries' | 'maxChars' | 'pdfMaxStreamBytes'
>;

export interface ExtractionContext {
  limits: ExtractionLimits;
  budget: TextBudget;
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

async function extractPages(buffer: Buffer, kind: DocumentKind, context: ExtractionContext): Promise<ExtractedPage[]> {
  const { limits, budget } = context;
  switch (kind) {
    case 'pdf':
      return extractPdf(buffer, context);
    case 'docx': {
      const zipLimits = { maxEntries: limits.docxMaxEntries, maxUncompressedBytes: limits.docxMaxUncompressedBytes };
      return [{ page: 1, text: await extractDocx(buffer, zipLimits, budget), ocr: false }];
    }
    case 'text': {
      const text = decodeText(buffer);
      budget.take(text.length);
      return [{ page: 1, text, ocr: false }];
    }
    case 'image':
      checkImageSize(buffer, limits.maxImagePixels);
      return [{ page: 1, text: await context.ocr(buffer), ocr: true }];
  }
}

/**
 * Text of a document by page, at most `limits.maxChars` of it (counted as it
 * is produced). Fails with a clear reason when there is none, or too much.
 */
export async function extractDocument(buffer: Buffer, kind: DocumentKind, context: Omit<ExtractionContext, 'budget'>): Promise<ExtractedPage[]> {
  const pages = await extractPages(buffer, kind, { ...context, budget: new TextBudget(context.limits.maxChars) });
  context.progress(1);
  const cleaned = pages.map((page) => ({ ...page, text: page.text.replaceAll('\u0000', '').trim() }));
  if (!cleaned.some((page) => page.text.length > 0)) {
    throw new ExtractionError(kind === 'image' || cleaned.every((p) => p.ocr) ? 'No text was found in the document (OCR read nothing)' : 'The document contains no text');
  }
  return cleaned;
}
