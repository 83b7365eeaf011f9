import { docx, docxBomb, repeatedEntry, zip } from '../../../../../test/support/fixtures';
import { TextBudget } from '../text-budget';
import { extractDocx } from './docx.extractor';

const MB = 1024 * 1024;
const limits = { maxEntries: 100, maxUncompressedBytes: MB };
const CONTENT_TYPES = { name: '[Content_Types].xml', data: Buffer.from('<?xml version="1.0"?><Types/>') };

describe('extractDocx', () => {
  it('reads the body text of a real DOCX', async () => {
    const text = await extractDocx(await docx(['Premier paragraphe.', 'Second paragraph.']), limits, new TextBudget(10_000));
    expect(text).toContain('Premier paragraphe.');
    expect(text).toContain('Second paragraph.');
  });

  it('refuses a zip without a document body', async () => {
    await expect(extractDocx(zip([CONTENT_TYPES]), limits, new TextBudget(10_000))).rejects.toThrow(/no document body/);
  });

  it('refuses a bomb by its declared size before inflating anything', async () => {
    await expect(extractDocx(docxBomb(2), limits, new TextBudget(10_000))).rejects.toThrow(/possible zip bomb/);
  });

  it('stops a body that inflates past the cap though its header claims little', async () => {
    const body = await repeatedEntry('word/document.xml', '<w:document><w:body>', '<w:p/>', 400_000, '</w:body></w:document>');
    await expect(extractDocx(zip([CONTENT_TYPES, { ...body, size: 1000 }]), limits, new TextBudget(10_000))).rejects.toThrow(/possible zip bomb/);
  });

  it('stops at the text budget, however small the file', async () => {
    const body = await repeatedEntry('word/document.xml', '<w:document><w:body>', '<w:p><w:r><w:t>word </w:t></w:r></w:p>', 20_000, '</w:body></w:document>');
    await expect(extractDocx(zip([CONTENT_TYPES, body]), limits, new TextBudget(1000))).rejects.toThrow(/exceeds 1,000 characters/);
  });
});
