import { cleanTitle } from './chat-title.job';

describe('cleanTitle', () => {
  it.each([
    ['Voyage à Lyon', 'Voyage à Lyon'],
    ['"Voyage à Lyon"', 'Voyage à Lyon'],
    ["'Budget 2025'", 'Budget 2025'],
    ['« Réunion d’équipe »', 'Réunion d’équipe'],
    ['“Quarterly report”', 'Quarterly report'],
    ['**Bold title**', 'Bold title'],
    ['# Heading title', 'Heading title'],
    ['Title: Tax questions', 'Tax questions'],
    ['titre : Questions fiscales', 'Questions fiscales'],
    ['A title with a full stop.', 'A title with a full stop'],
    ['Ellipsis...', 'Ellipsis'],
    ['"Quoted, then stopped."', 'Quoted, then stopped'],
    ['日本語のタイトル。', '日本語のタイトル'],
    ['"Voyage".', 'Voyage'],
    ['« Voyage à Lyon ».', 'Voyage à Lyon'],
    ['**Title:** Trip', 'Trip'],
  ])('cleans %j to %j', (raw, title) => {
    expect(cleanTitle(raw)).toBe(title);
  });

  it('keeps the first non-empty line only', () => {
    expect(cleanTitle('\n\n  Trip planning  \nHere is why I chose this title.')).toBe('Trip planning');
  });

  it('keeps a question mark or an exclamation mark', () => {
    expect(cleanTitle('Why is the sky blue?')).toBe('Why is the sky blue?');
    expect(cleanTitle('Bonjour !')).toBe('Bonjour !');
  });

  it('cuts at 80 characters, leaving no trailing space', () => {
    const title = cleanTitle(`${'word '.repeat(30)}`);
    expect(title.length).toBeLessThanOrEqual(80);
    expect(title).toBe(title.trim());
    expect(cleanTitle('x'.repeat(200))).toBe('x'.repeat(80));
  });

  it('gives an empty title for an answer with nothing in it', () => {
    for (const raw of ['', '   ', '\n\n', '""', '« »', 'Title:', '...']) expect(cleanTitle(raw)).toBe('');
  });
});
