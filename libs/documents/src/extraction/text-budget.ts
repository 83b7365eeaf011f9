import { ExtractionError } from './extraction.errors';

/** The characters a document may yield; counted as text is produced, so a huge one stops early. */
export class TextBudget {
  private used = 0;

  constructor(private readonly maxChars: number) {}

  take(chars: number): void {
    this.used += chars;
    if (this.used > this.maxChars) {
      throw new ExtractionError(`The document's text exceeds ${this.maxChars.toLocaleString('en')} characters (the limit)`);
    }
  }
}
