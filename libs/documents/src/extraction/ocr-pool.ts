import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createScheduler, createWorker, Scheduler } from 'tesseract.js';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';

export const OCR_LANGUAGES = ['fra', 'eng'];

/** The model of a language (LSTM, best_int), gzipped, as its @tesseract.js-data package ships it. */
export function ocrModelFile(language: string): string {
  const pkg = path.dirname(require.resolve(`@tesseract.js-data/${language}/package.json`));
  return path.join(pkg, '4.0.0_best_int', `${language}.traineddata.gz`);
}

/**
 * The language data ships in @tesseract.js-data/* npm packages; tesseract.js
 * wants both files in one folder, so they are copied once into DATA_DIR.
 * Nothing is ever fetched from the network.
 */
function prepareLanguageData(dataDir: string): string {
  const dir = path.join(dataDir, 'tessdata');
  fs.mkdirSync(dir, { recursive: true });
  for (const language of OCR_LANGUAGES) {
    const target = path.join(dir, `${language}.traineddata.gz`);
    if (!fs.existsSync(target)) fs.copyFileSync(ocrModelFile(language), target);
  }
  return dir;
}

/** OCR asked for while the process stops: the document is left to be read again, not failed. */
export class OcrStoppedError extends Error {
  constructor() {
    super('OCR is stopping with the process');
  }
}

/**
 * French and English OCR, offline, on a pool of tesseract.js workers (one per
 * core by default) started on first use and reused across jobs.
 */
@Injectable()
export class OcrPool implements OnApplicationShutdown {
  private readonly logger = new Logger('OcrPool');
  private scheduler?: Promise<Scheduler>;
  private readonly running = new Set<Promise<unknown>>();
  private stopping = false;

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async recognize(image: Buffer): Promise<string> {
    if (this.stopping) throw new OcrStoppedError();
    const job = this.start().then((scheduler) => scheduler.addJob('recognize', image));
    this.running.add(job);
    try {
      return (await job).data.text;
    } finally {
      this.running.delete(job);
    }
  }

  /**
   * After the jobs' own shutdown (which lets running jobs finish): recognitions
   * still running finish first, since terminating tesseract.js under them crashes it.
   */
  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    if (!this.scheduler) return;
    await Promise.allSettled([...this.running]);
    const scheduler = await this.scheduler.catch(() => undefined);
    await scheduler?.terminate();
  }

  private start(): Promise<Scheduler> {
    this.scheduler ??= (async () => {
      const langPath = prepareLanguageData(this.config.dataDir);
      const scheduler = createScheduler();
      const count = this.config.documents.ocrWorkers;
      const workers = await Promise.all(
        Array.from({ length: count }, () => createWorker(OCR_LANGUAGES, 1, { langPath, cacheMethod: 'none', gzip: true })),
      );
      for (const worker of workers) scheduler.addWorker(worker);
      this.logger.log(`OCR ready with ${count} workers (${OCR_LANGUAGES.join(', ')})`);
      return scheduler;
    })();
    return this.scheduler;
  }
}
