import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { gunzipSync } from 'node:zlib';
import { loadConfig } from '#config';
import { extractDocument, OCR_LANGUAGES, OcrPool, ocrModelFile } from '#documents';
import { scannedPdf, textImage, textPdf } from '../test/support/fixtures';
import { round } from './lib/stats';

const run = promisify(execFile);
const PARAGRAPH = 'Le comité de direction a examiné le budget annuel, les effectifs et les projets de transformation. '.repeat(8);

/** Text PDF pages/s; for scanned pages, rendering time, and OCR time against the native tesseract program on the same images. */
export async function benchIngestion(textPages: number, ocrPages: number) {
  const dir = mkdtempSync(path.join(tmpdir(), 'bench-ingest-'));
  const config = loadConfig({ DATA_DIR: dir, OCR_WORKERS: '1' });
  const limits = { ...config.documents, maxPages: 100_000 };
  const ocr = new OcrPool(config);
  try {
    const pdf = await textPdf(Array.from({ length: textPages }, (_, i) => `Page ${i + 1}. ${PARAGRAPH}`));
    let start = performance.now();
    await extractDocument(pdf, 'pdf', { limits, ocr: (image) => ocr.recognize(image), progress: () => undefined });
    const textPagesPerSecond = textPages / ((performance.now() - start) / 1000);

    const lines = ['Rapport trimestriel de la société', 'Les résultats sont en hausse de douze pour cent', 'Prochaine réunion le quinze février'];
    const scan = await scannedPdf(Array.from({ length: ocrPages }, () => lines));
    await ocr.recognize(await textImage(['warm up'])); // worker start-up is not per-page cost
    // Pages are rendered then read one after the other: OCR is timed around each call, rendering is the rest.
    const images: Buffer[] = [];
    let ocrSeconds = 0;
    const timedOcr = async (image: Buffer) => {
      images.push(image);
      const begin = performance.now();
      const text = await ocr.recognize(image);
      ocrSeconds += (performance.now() - begin) / 1000;
      return text;
    };
    start = performance.now();
    await extractDocument(scan, 'pdf', { limits, ocr: timedOcr, progress: () => undefined });
    const renderSecondsPerPage = ((performance.now() - start) / 1000 - ocrSeconds) / ocrPages;
    const ocrSecondsPerPage = ocrSeconds / ocrPages;
    const native = await nativeSecondsPerPage(dir, images);
    const result = {
      text_pdf_pages: textPages,
      text_pdf_pages_per_s: round(textPagesPerSecond),
      ocr_pages: ocrPages,
      render_s_per_page: round(renderSecondsPerPage, 3),
      ocr_s_per_page: round(ocrSecondsPerPage, 3),
      native_tesseract_s_per_page: native === null ? null : round(native, 3),
      ocr_ratio_to_native: native === null ? null : round(ocrSecondsPerPage / native, 2),
    };
    console.log(`ingestion: ${JSON.stringify(result)}`);
    return result;
  } finally {
    await ocr.onApplicationShutdown();
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The floor: the tesseract program, single-threaded, on the very page images we read, with our model
 * (best_int; Debian ships tessdata_fast). One process reads a list of the images; the time of a list of
 * one page (process start-up, model loading) is taken off, as our workers' start-up is. Best of two.
 */
async function nativeSecondsPerPage(dir: string, images: Buffer[]): Promise<number | null> {
  const tessdata = path.join(dir, 'tessdata-native');
  mkdirSync(tessdata);
  for (const language of OCR_LANGUAGES) writeFileSync(path.join(tessdata, `${language}.traineddata`), gunzipSync(readFileSync(ocrModelFile(language))));
  const files = images.map((image, i) => {
    const file = path.join(dir, `page-${i}`);
    writeFileSync(file, image);
    return file;
  });
  const list = path.join(dir, 'pages.txt');
  const seconds = async (pages: string[]) => {
    writeFileSync(list, pages.join('\n') + '\n');
    const start = performance.now();
    await run('tesseract', [list, 'stdout', '-l', OCR_LANGUAGES.join('+'), '--tessdata-dir', tessdata], { env: { ...process.env, OMP_THREAD_LIMIT: '1' } });
    return (performance.now() - start) / 1000;
  };
  try {
    const [all, one] = [[Infinity], [Infinity]];
    for (let i = 0; i < 2; i++) {
      all.push(await seconds([files[0], ...files]));
      one.push(await seconds([files[0]]));
    }
    return (Math.min(...all) - Math.min(...one)) / files.length;
  } catch {
    return null; // the tesseract program is not installed (apt-get install tesseract-ocr)
  }
}
