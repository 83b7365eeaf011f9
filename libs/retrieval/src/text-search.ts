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

/**
 * A tsquery that matches any of the query's words (in either language), so a
 * question phrased differently from the text still finds it; ranking then
 * favours chunks matching more of them. Empty when the query has no words.
 */
export function anyWordQuery(query: string): string {
  const words = [...new Set(unaccent(query).split(/[^a-z0-9]+/).filter((word) => word.length > 1))].slice(0, 32);
  return words.join(' | ');
}

/** The tsquery expression for a parameter holding anyWordQuery's output. */
export function tsquerySql(parameter: string): string {
  return `(to_tsquery('french', ${parameter}) || to_tsquery('english', ${parameter}))`;
}
