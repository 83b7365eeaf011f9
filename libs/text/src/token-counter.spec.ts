import { encodedLength } from './cl100k-encoder';
import { countTokens, MESSAGE_OVERHEAD_TOKENS } from './token-counter';

describe('countTokens', () => {
  it('counts ordinary text (cl100k) plus the message overhead', () => {
    expect(countTokens('Bonjour à tous')).toBe(encodedLength('Bonjour à tous') + MESSAGE_OVERHEAD_TOKENS);
    expect(countTokens('Bonjour à tous')).toBeGreaterThan(MESSAGE_OVERHEAD_TOKENS + 2);
    expect(countTokens('')).toBe(MESSAGE_OVERHEAD_TOKENS);
  });

  it('counts long runs without a break in slices (whole, byte-pair encoding is quadratic in their length)', () => {
    // 32,000 characters with no space: a message at MESSAGE_MAX_CHARS; encoded whole it blocks for minutes.
    const cjk = '会议记录'.repeat(8_000);
    const base64 = 'QUJD'.repeat(8_000);
    expect(countTokens(cjk)).toBeGreaterThan(8_000);
    expect(countTokens(cjk)).toBeLessThanOrEqual(Buffer.byteLength(cjk));
    expect(countTokens(`${base64} suite`) - MESSAGE_OVERHEAD_TOKENS).toBe(encodedLength(base64) + encodedLength(' suite'));
  });
});
