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
 * The words of a query worth searching for: unaccented, without function
 * words, at most 32. Empty when the query has none.
 */
export function searchWords(query: string): string[] {
  return [...new Set(unaccent(query).split(/[^a-z0-9]+/))]
    .filter((word) => word.length > 1 && !STOP_WORDS.has(word))
    .slice(0, 32);
}

/** The tsquery expression for a parameter holding one word, stemmed in either language. */
export function tsquerySql(parameter: string): string {
  return `(to_tsquery('french', ${parameter}) || to_tsquery('english', ${parameter}))`;
}

/**
 * A tsquery matching any of the words of a parameter, each stem once: both
 * languages often stem alike, and ts_rank_cd's cost grows with the query's size.
 */
export function anyStemSql(parameter: string): string {
  return `(SELECT string_agg(quote_literal(stem), ' | ')::tsquery FROM unnest(tsvector_to_array(${tsvectorSql(parameter)})) AS stem)`;
}
