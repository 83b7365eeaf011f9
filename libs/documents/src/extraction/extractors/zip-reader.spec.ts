import { deflateRawSync } from 'node:zlib';
import { docxBomb, repeatedEntry, zip } from '../../../../../test/support/fixtures';
import { ExtractionError } from '../extraction.errors';
import { inflateEntry, readZipDirectory } from './zip-reader';

const MB = 1024 * 1024;
const limits = { maxEntries: 10, maxUncompressedBytes: MB };

async function drain(pieces: AsyncIterable<Buffer>): Promise<number> {
  let total = 0;
  for await (const piece of pieces) total += piece.length;
  return total;
}

describe('readZipDirectory', () => {
  it('lists the entries with their compressed bytes, inflating nothing', () => {
    const entries = readZipDirectory(zip([{ name: 'a.xml', data: Buffer.from('<a/>') }, { name: 'b.xml', data: Buffer.from('<b/>') }]), limits);
    expect(entries.map((entry) => [entry.name, entry.method])).toEqual([['a.xml', 8], ['b.xml', 8]]);
  });

  it('refuses a file that is not a zip', () => {
    expect(() => readZipDirectory(Buffer.from('plain text, no archive'), limits)).toThrow(/not a zip archive/);
    expect(() => readZipDirectory(Buffer.alloc(0), limits)).toThrow(ExtractionError);
  });

  it('refuses more entries than allowed', () => {
    const entries = Array.from({ length: 11 }, (_, i) => ({ name: `part${i}.xml`, data: Buffer.from('<p/>') }));
    expect(() => readZipDirectory(zip(entries), limits)).toThrow(/too many parts \(11\)/);
    expect(readZipDirectory(zip(entries.slice(0, 10)), limits)).toHaveLength(10);
  });

  it('refuses a bomb whose declared sizes add up past the limit', () => {
    expect(() => readZipDirectory(docxBomb(2), limits)).toThrow(/possible zip bomb/);
  });

  it('refuses a directory or entry that points outside the file', () => {
    const archive = zip([{ name: 'a.xml', data: Buffer.from('<a/>') }]);
    const badDirectory = Buffer.from(archive);
    badDirectory.writeUInt32LE(archive.length - 22 - 10, archive.length - 6); // the directory offset
    expect(() => readZipDirectory(badDirectory, limits)).toThrow(/bad zip directory/);
    const badEntry = Buffer.from(archive);
    const directory = archive.readUInt32LE(archive.length - 6);
    badEntry.writeUInt32LE(archive.length + 100, directory + 42); // the entry's local header offset
    expect(() => readZipDirectory(badEntry, limits)).toThrow(/bad zip entry/);
  });
});

describe('inflateEntry', () => {
  it('yields the inflated bytes of an entry within the cap', async () => {
    const [entry] = readZipDirectory(zip([{ name: 'a.txt', data: Buffer.from('hello '.repeat(1000)) }]), limits);
    expect(await drain(inflateEntry(entry, MB))).toBe(6000);
  });

  it('stops a bomb whose header lies about its size once the cap is passed', async () => {
    const liar = await repeatedEntry('word/document.xml', '<w:document>', '<w:t>aaaa</w:t>', 500_000, '</w:document>');
    const [entry] = readZipDirectory(zip([{ ...liar, size: 100 }]), limits);
    await expect(drain(inflateEntry(entry, MB))).rejects.toThrow(/possible zip bomb/);
  });

  it('caps a stored (uncompressed) entry too', async () => {
    await expect(drain(inflateEntry({ name: 'big', method: 0, data: Buffer.alloc(MB + 1) }, MB))).rejects.toThrow(/possible zip bomb/);
    expect(await drain(inflateEntry({ name: 'small', method: 0, data: Buffer.alloc(10) }, MB))).toBe(10);
  });

  it('refuses an unknown compression and damaged compressed data', async () => {
    await expect(drain(inflateEntry({ name: 'x', method: 12, data: Buffer.alloc(10) }, MB))).rejects.toThrow(/unsupported compression/);
    const damaged = deflateRawSync(Buffer.from('some text '.repeat(100))).subarray(0, 20);
    damaged[5] ^= 0xff;
    await expect(drain(inflateEntry({ name: 'x', method: 8, data: Buffer.concat([damaged, Buffer.from([0xff, 0xff, 0xff])]) }, MB))).rejects.toThrow(
      ExtractionError,
    );
  });
});
