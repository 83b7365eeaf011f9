import * as path from 'node:path';
import { createCanvas, type Canvas } from '@napi-rs/canvas';
import { ExtractionError } from '../extraction.errors';
import type { ExtractedPage, ExtractionContext } from '../extract-document';
import type { TextBudget } from '../text-budget';
import { checkPdfStreams } from './pdf-stream-guard';

// Below this many characters a page is taken to have no text layer (a scan).
const MIN_TEXT_CHARS = 16;
// About 200 dpi: what Tesseract reads best.
const OCR_SCALE = 200 / 72;

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs', { with: { 'resolution-mode': 'import' } });
type PdfPage = Awaited<ReturnType<Awaited<ReturnType<PdfJs['getDocument']>['promise']>['getPage']>>;
type RenderParameters = Parameters<PdfPage['render']>[0];
type TextContent = Awaited<ReturnType<PdfPage['getTextContent']>>;
let pdfjs: Promise<PdfJs> | undefined;

/** pdfjs-dist is ESM-only: loaded once, on first use. */
function loadPdfJs(): Promise<PdfJs> {
  pdfjs ??= import('pdfjs-dist/legacy/build/pdf.mjs');
  return pdfjs;
}

function standardFontsDir(): string {
  return path.join(path.dirname(require.resolve('pdfjs-dist/package.json')), 'standard_fonts') + path.sep;
}

/** Text per page; pages without a text layer are rendered and read by OCR. */
export async function extractPdf(buffer: Buffer, context: ExtractionContext): Promise<ExtractedPage[]> {
  await checkPdfStreams(buffer, context.limits.pdfMaxStreamBytes);
  const { getDocument } = await loadPdfJs();
  let document;
  try {
    document = await getDocument({
      data: new Uint8Array(buffer),
      standardFontDataUrl: standardFontsDir(),
      isEvalSupported: false,
      disableFontFace: true,
      // Larger images are left out rather than decoded.
      maxImageSize: context.limits.maxImagePixels,
      verbosity: 0,
    }).promise;
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    throw new ExtractionError(name === 'PasswordException' ? 'The PDF is password-protected' : 'The PDF could not be read');
  }
  try {
    const count = document.numPages;
    if (count > context.limits.maxPages) {
      throw new ExtractionError(`The PDF has ${count} pages; the limit is ${context.limits.maxPages}`);
    }
    const pages: ExtractedPage[] = [];
    for (let number = 1; number <= count; number++) {
      const page = await document.getPage(number);
      const text = await pageText(page, context.budget);
      if (text.replace(/\s/g, '').length >= MIN_TEXT_CHARS) {
        pages.push({ page: number, text, ocr: false });
      } else {
        const read = await context.ocr(await renderPage(page, context.limits.maxImagePixels));
        context.budget.take(read.length);
        pages.push({ page: number, text: read, ocr: true });
      }
      page.cleanup();
      context.progress(number / count);
    }
    return pages;
  } finally {
    await document.destroy();
  }
}

/** A page's text layer, read as it is produced and abandoned once past the budget. */
async function pageText(page: PdfPage, budget: TextBudget): Promise<string> {
  const reader = (page.streamTextContent() as ReadableStream<TextContent>).getReader();
  let text = '';
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return text;
      for (const item of value.items) {
        if (!('str' in item)) continue;
        const piece = item.str + (item.hasEOL ? '\n' : '');
        budget.take(piece.length);
        text += piece;
      }
    }
  } catch (error) {
    await reader.cancel().catch(() => undefined);
    throw error;
  }
}

/** The page as 8-bit greyscale PGM, which Tesseract would otherwise compute itself from a PNG it must first decode. */
async function renderPage(page: PdfPage, maxPixels: number): Promise<Buffer> {
  const base = page.getViewport({ scale: 1 });
  const scale = Math.min(OCR_SCALE, Math.sqrt(maxPixels / (base.width * base.height)));
  const viewport = page.getViewport({ scale });
  const canvas = createCanvas(Math.ceil(viewport.width), Math.ceil(viewport.height));
  const context = canvas.getContext('2d');
  context.fillStyle = 'white';
  context.fillRect(0, 0, canvas.width, canvas.height);
  // @napi-rs/canvas implements the parts of the DOM canvas that pdfjs uses.
  await page.render({
    canvasContext: context as unknown as RenderParameters['canvasContext'],
    canvas: canvas as unknown as RenderParameters['canvas'],
    viewport,
  }).promise;
  return greyscalePgm(canvas);
}

/** Leptonica's luminance weights; the canvas is opaque, so its premultiplied RGBA is plain RGBA. */
function greyscalePgm(canvas: Canvas): Buffer {
  const rgba = canvas.data();
  const header = Buffer.from(`P5\n${canvas.width} ${canvas.height}\n255\n`, 'ascii');
  const pgm = Buffer.allocUnsafe(header.length + rgba.length / 4);
  header.copy(pgm);
  for (let i = 0, j = header.length; i < rgba.length; i += 4, j++) {
    pgm[j] = (rgba[i] * 0.3 + rgba[i + 1] * 0.5 + rgba[i + 2] * 0.2 + 0.5) | 0;
  }
  return pgm;
}
