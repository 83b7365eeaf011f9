/** UTF-8 (BOM allowed); files that are not valid UTF-8 are read as Latin-1, the usual legacy encoding here. */
export function decodeText(buffer: Buffer): string {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(buffer);
  } catch {
    return buffer.toString('latin1');
  }
}
