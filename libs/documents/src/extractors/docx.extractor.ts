import * as mammoth from 'mammoth';
import { ExtractionError } from '../extraction.errors';
import { checkZip, ZipLimits } from './zip-guard';

export async function extractDocx(buffer: Buffer, limits: ZipLimits): Promise<string> {
  checkZip(buffer, limits);
  try {
    const result = await mammoth.extractRawText({ buffer });
    return result.value;
  } catch {
    throw new ExtractionError('The DOCX file could not be read');
  }
}
