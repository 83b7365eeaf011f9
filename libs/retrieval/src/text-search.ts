/** Lower-case text without accents, so "securite" and "sécurité" index and match alike. */
export function unaccent(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

/**
 * The tsvector of a text: French and English stems of its unaccented form,
 * so either language's inflections match. `$n` is the (unaccented) text parameter.
 */
export function tsvectorSql(parameter: string): string {
  return `to_tsvector('french', ${parameter}) || to_tsvector('english', ${parameter})`;
}

// Function words of both languages: each language's dictionary drops its own,
// but the other one would keep them and match nearly every chunk.
const STOP_WORDS = new Set(
  ('au aux avec ce ces dans de des du elle en et eux il je la le les leur lui ma mais me meme mes moi mon ne nos notre nous on ou ' +
    'par pas pour qu que qui sa se ses son sur ta te tes toi ton tu un une vos votre vous est sont ai as avons quel quelle quels ' +
    'comment combien the a an and or of to in on at for with is are was be by it this that what how when where which who do does ' +
    'can i you my your we our from as if not').split(' '),
);

/**
 * A tsquery that matches any of the query's words (in either language), so a
 * question phrased differently from the text still finds it; ranking then
 * favours chunks matching more of them. Empty when the query has no words.
 */
export function anyWordQuery(query: string): string {
  const words = [...new Set(unaccent(query).split(/[^a-z0-9]+/))]
    .filter((word) => word.length > 1 && !STOP_WORDS.has(word))
    .slice(0, 32);
  return words.join(' | ');
}

/** The tsquery expression for a parameter holding anyWordQuery's output. */
export function tsquerySql(parameter: string): string {
  return `(to_tsquery('french', ${parameter}) || to_tsquery('english', ${parameter}))`;
}
