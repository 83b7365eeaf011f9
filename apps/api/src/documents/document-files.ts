import { Logger } from '@nestjs/common';
import { rm } from 'node:fs/promises';
import * as path from 'node:path';

const logger = new Logger('DocumentFiles');

/**
 * Removes stored files after their rows are gone. A file that cannot be
 * removed is logged, not fatal: the rows (and so access) are already gone.
 */
export async function deleteDocumentFiles(uploadDir: string, filePaths: string[]): Promise<void> {
  await Promise.all(
    filePaths.map(async (filePath) => {
      const absolute = path.resolve(uploadDir, filePath);
      // Stored paths are generated names, but never follow one out of the upload dir.
      if (!absolute.startsWith(path.resolve(uploadDir) + path.sep)) return;
      await rm(absolute, { force: true }).catch((error: unknown) =>
        logger.warn({ err: error, file: filePath }, 'Could not remove an uploaded file'),
      );
    }),
  );
}
