import { ExtractionError } from '../extraction.errors';

// Longest partial tag (or entity) kept between two pieces of the stream.
const MAX_CARRY = 64 * 1024;
// Subtrees without body text: properties (their w:tab are tab stops) and the
// choice of alternate content (its fallback holds the same text).
const SKIPPED = new Set(['w:pPr', 'w:rPr', 'w:sectPr', 'w:tblPr', 'w:trPr', 'w:tcPr', 'mc:Choice']);
const CHARACTERS: Record<string, string> = { 'w:tab': '\t', 'w:br': '\n', 'w:cr': '\n', 'w:noBreakHyphen': '-' };
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (entity, body: string) => {
    if (body[0] !== '#') return ENTITIES[body] ?? entity;
    const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
    return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '';
  });
}

/**
 * The text of WordprocessingML (word/document.xml) fed piece by piece, in
 * constant memory: runs' text, tabs and breaks, a blank line after each paragraph.
 */
export class WordTextScanner {
  private carry = '';
  private inText = false;
  private skipDepth = 0;

  constructor(private readonly emit: (text: string) => void) {}

  feed(piece: string): void {
    const input = this.carry + piece;
    let at = 0;
    for (;;) {
      const open = input.indexOf('<', at);
      if (open < 0) {
        // Keep an entity cut by the end of the piece for the next one.
        const amp = input.lastIndexOf('&');
        const end = amp >= at && input.indexOf(';', amp) < 0 ? amp : input.length;
        this.text(input.slice(at, end));
        at = end;
        break;
      }
      this.text(input.slice(at, open));
      const close = input.indexOf('>', open);
      if (close < 0) {
        at = open;
        break;
      }
      this.tag(input.slice(open + 1, close));
      at = close + 1;
    }
    this.carry = input.slice(at);
    if (this.carry.length > MAX_CARRY) throw new ExtractionError('The DOCX file is damaged (bad XML)');
  }

  private text(raw: string): void {
    if (this.inText && this.skipDepth === 0 && raw) this.emit(decodeEntities(raw));
  }

  private tag(body: string): void {
    if (body[0] === '?' || body[0] === '!') return;
    const closing = body[0] === '/';
    const selfClosing = body.endsWith('/');
    const name = /^[^\s/]+/.exec(closing ? body.slice(1) : body)?.[0] ?? '';
    if (this.skipDepth > 0) {
      if (closing) this.skipDepth--;
      else if (!selfClosing) this.skipDepth++;
      return;
    }
    if (SKIPPED.has(name)) {
      if (!closing && !selfClosing) this.skipDepth = 1;
      return;
    }
    if (name === 'w:t') this.inText = !closing && !selfClosing;
    else if (name === 'w:p' && closing) this.emit('\n\n');
    else if (!closing && CHARACTERS[name]) this.emit(CHARACTERS[name]);
  }
}
