import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { loadConfig } from '../libs/config/src';
import { extractDocument, OcrPool } from '../libs/documents/src';
import { scannedPdf, textImage, textPdf } from '../test/support/fixtures';
import { round } from './lib/stats';

const run = promisify(execFile);
const PARAGRAPH = 'Le comité de direction a examiné le budget annuel, les effectifs et les projets de transformation. '.repeat(8);

/** Text PDF pages/s, and OCR pages/s against the native tesseract program on the same images. */
export async function benchIngestion(textPages: number, ocrPages: number) {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-ingest-'));
  const config = loadConfig({ DATA_DIR: dir, OCR_WORKERS: '1' });
  const limits = { ...config.documents, maxPages: 100_000 };
  const ocr = new OcrPool(config);
  try {
    const pdf = await textPdf(Array.from({ length: textPages }, (_, i) => `Page ${i + 1}. ${PARAGRAPH}`));
    let start = performance.now();
    await extractDocument(pdf, 'pdf', { limits, signal: new AbortController().signal, ocr: (image) => ocr.recognize(image), progress: () => undefined });
    const textPagesPerSecond = textPages / ((performance.now() - start) / 1000);

    const lines = ['Rapport trimestriel de la société', 'Les résultats sont en hausse de douze pour cent', 'Prochaine réunion le quinze février'];
    const scan = await scannedPdf(Array.from({ length: ocrPages }, () => lines));
    await ocr.recognize(await textImage(['warm up'])); // worker start-up is not per-page cost
    start = performance.now();
    await extractDocument(scan, 'pdf', { limits, signal: new AbortController().signal, ocr: (image) => ocr.recognize(image), progress: () => undefined });
    const ocrSecondsPerPage = (performance.now() - start) / 1000 / ocrPages;

    // The floor: native tesseract on the page image, one process per page as it is usually run.
    const image = path.join(dir, 'page.png');
    writeFileSync(image, await textImage(lines));
    let native: number | null = null;
    try {
      start = performance.now();
      for (let i = 0; i < ocrPages; i++) await run('tesseract', [image, 'stdout', '-l', 'fra+eng'], { env: { ...process.env, OMP_THREAD_LIMIT: '1' } });
      native = (performance.now() - start) / 1000 / ocrPages;
    } catch {
      native = null; // the tesseract program is not installed (apt-get install tesseract-ocr tesseract-ocr-fra)
    }
    const result = {
      text_pdf_pages: textPages,
      text_pdf_pages_per_s: round(textPagesPerSecond),
      ocr_pages: ocrPages,
      ocr_s_per_page: round(ocrSecondsPerPage, 3),
      native_tesseract_s_per_page: native === null ? null : round(native, 3),
      ocr_ratio_to_native: native === null ? null : round(ocrSecondsPerPage / native, 2),
    };
    console.log(`ingestion: ${JSON.stringify(result)}`);
    return result;
  } finally {
    await ocr.onModuleDestroy();
    rmSync(dir, { recursive: true, force: true });
  }
}
