import { inflateRawSync } from 'node:zlib';
import { ExtractionError } from '../extraction.errors';

export interface ZipLimits {
  maxEntries: number;
  maxUncompressedBytes: number;
}

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;

/**
 * Refuses zip bombs before the DOCX reader sees the file: counts entries and
 * inflates each one with a hard output limit, so neither a lying header nor a
 * huge real expansion gets past the caps.
 */
export function checkZip(buffer: Buffer, limits: ZipLimits): void {
  const eocd = buffer.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (eocd < 0 || buffer.readUInt32LE(eocd) !== EOCD_SIGNATURE) throw new ExtractionError('The DOCX file is damaged (not a zip archive)');
  const entries = buffer.readUInt16LE(eocd + 10);
  if (entries > limits.maxEntries) throw new ExtractionError(`The DOCX file has too many parts (${entries})`);
  let offset = buffer.readUInt32LE(eocd + 16);
  let total = 0;
  for (let i = 0; i < entries; i++) {
    if (offset + 46 > buffer.length || buffer.readUInt32LE(offset) !== CENTRAL_SIGNATURE) {
      throw new ExtractionError('The DOCX file is damaged (bad zip directory)');
    }
    const method = buffer.readUInt16LE(offset + 10);
    const compressedSize = buffer.readUInt32LE(offset + 20);
    const nameLength = buffer.readUInt16LE(offset + 28);
    const extraLength = buffer.readUInt16LE(offset + 30);
    const commentLength = buffer.readUInt16LE(offset + 32);
    const localOffset = buffer.readUInt32LE(offset + 42);
    offset += 46 + nameLength + extraLength + commentLength;

    if (localOffset + 30 > buffer.length || buffer.readUInt32LE(localOffset) !== LOCAL_SIGNATURE) {
      throw new ExtractionError('The DOCX file is damaged (bad zip entry)');
    }
    const dataStart = localOffset + 30 + buffer.readUInt16LE(localOffset + 26) + buffer.readUInt16LE(localOffset + 28);
    const data = buffer.subarray(dataStart, dataStart + compressedSize);
    const budget = limits.maxUncompressedBytes - total;
    if (method === 0) total += data.length;
    else if (method === 8) {
      try {
        total += inflateRawSync(data, { maxOutputLength: Math.max(1, budget) }).length;
      } catch (error) {
        // Checked by code: errors from Node's core may come from another realm (e.g. under Jest).
        if ((error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') {
          throw new ExtractionError('The DOCX file expands too much (possible zip bomb)');
        }
        throw new ExtractionError('The DOCX file is damaged (bad compressed data)');
      }
    } else throw new ExtractionError('The DOCX file uses an unsupported compression');
    if (total > limits.maxUncompressedBytes) throw new ExtractionError('The DOCX file expands too much (possible zip bomb)');
  }
}
