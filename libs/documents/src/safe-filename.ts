import * as path from 'node:path';

const MAX_LENGTH = 200;

/**
 * The client's file name as metadata: no directories, no control characters,
 * no characters that break a Content-Disposition header, bounded length
 * (keeping the extension). It is never used as a path.
 */
export function sanitiseFilename(name: string | undefined): string {
  const base = path.posix.basename((name ?? '').replace(/\\/g, '/'));
  let clean = base
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f"<>:|?*;]/g, '_')
    .replace(/^[.\s]+/, '')
    .trim();
  if (clean.length > MAX_LENGTH) {
    const extension = path.extname(clean).slice(0, 16);
    clean = clean.slice(0, MAX_LENGTH - extension.length) + extension;
  }
  return clean || 'document';
}
