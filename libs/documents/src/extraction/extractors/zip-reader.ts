import { createInflateRaw } from 'node:zlib';
import { ExtractionError } from '../extraction.errors';

export interface ZipLimits {
  maxEntries: number;
  maxUncompressedBytes: number;
}

interface ZipEntry {
  name: string;
  method: number;
  data: Buffer;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;

/**
 * The entries of a zip, from its central directory. Refuses too many entries
 * and declared sizes past the limit; nothing is inflated here (an entry that
 * is read is inflated as a stream with its own cap, so a lying header gains nothing).
 */
export function readZipDirectory(buffer: Buffer, limits: ZipLimits): ZipEntry[] {
  const eocd = buffer.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0 || eocd + 22 > buffer.length || buffer.readUInt32LE(eocd) !== EOCD_SIGNATURE) {
    throw new ExtractionError('The DOCX file is damaged (not a zip archive)');
  }
  const count = buffer.readUInt16LE(eocd + 10);
  if (count > limits.maxEntries) throw new ExtractionError(`The DOCX file has too many parts (${count})`);
  const entries: ZipEntry[] = [];
  let offset = buffer.readUInt32LE(eocd + 16);
  let declared = 0;
  for (let i = 0; i < count; i++) {
    if (offset + 46 > buffer.length || buffer.readUInt32LE(offset) !== CENTRAL_SIGNATURE) {
      throw new ExtractionError('The DOCX file is damaged (bad zip directory)');
    }
    const method = buffer.readUInt16LE(offset + 10);
    const compressedSize = buffer.readUInt32LE(offset + 20);
    declared += buffer.readUInt32LE(offset + 24);
    const nameLength = buffer.readUInt16LE(offset + 28);
    const name = buffer.toString('utf8', offset + 46, offset + 46 + nameLength);
    const localOffset = buffer.readUInt32LE(offset + 42);
    offset += 46 + nameLength + buffer.readUInt16LE(offset + 30) + buffer.readUInt16LE(offset + 32);

    if (localOffset + 30 > buffer.length || buffer.readUInt32LE(localOffset) !== LOCAL_SIGNATURE) {
      throw new ExtractionError('The DOCX file is damaged (bad zip entry)');
    }
    const dataStart = localOffset + 30 + buffer.readUInt16LE(localOffset + 26) + buffer.readUInt16LE(localOffset + 28);
    entries.push({ name, method, data: buffer.subarray(dataStart, dataStart + compressedSize) });
  }
  if (declared > limits.maxUncompressedBytes) throw new ExtractionError('The DOCX file expands too much (possible zip bomb)');
  return entries;
}

/** An entry's bytes, inflated piece by piece; fails once more than `maxBytes` come out. */
export async function* inflateEntry(entry: ZipEntry, maxBytes: number): AsyncGenerator<Buffer> {
  if (entry.method === 0) {
    if (entry.data.length > maxBytes) throw new ExtractionError('The DOCX file expands too much (possible zip bomb)');
    yield entry.data;
    return;
  }
  if (entry.method !== 8) throw new ExtractionError('The DOCX file uses an unsupported compression');
  const inflater = createInflateRaw();
  inflater.end(entry.data);
  let total = 0;
  try {
    for await (const piece of inflater as AsyncIterable<Buffer>) {
      total += piece.length;
      if (total > maxBytes) throw new ExtractionError('The DOCX file expands too much (possible zip bomb)');
      yield piece;
    }
  } catch (error) {
    if (error instanceof ExtractionError) throw error;
    throw new ExtractionError('The DOCX file is damaged (bad compressed data)');
  } finally {
    inflater.destroy();
  }
}
