import type { TransferAttachmentRow, TransferChatRow } from '#database';
import type { Citation, Message } from '#database';
import { iso } from './present';

/** Numbers footnotes across one Markdown file, so labels stay unique when chats follow each other. */
export class FootnoteCounter {
  private next = 1;
  take(): number {
    return this.next++;
  }
}

/** One line of text: titles and names must not start new Markdown blocks. */
function inline(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * A chat's active path as readable Markdown: title, agent, dates, then each
 * message under **You** / **Assistant**, an answer's citations as footnotes.
 * `level` is the title's heading level (1 alone, 2 inside the all-chats file).
 */
export function chatMarkdown(
  chat: TransferChatRow,
  path: Pick<Message, 'role' | 'content' | 'created_at' | 'llm_model' | 'citations' | 'document_ids' | 'status'>[],
  documents: Map<number, TransferAttachmentRow>,
  footnotes: FootnoteCounter,
  level: 1 | 2 = 1,
): string {
  const lines = [`${'#'.repeat(level)} ${inline(chat.title) || 'Untitled'}`, ''];
  if (chat.agent_name) lines.push(`- Agent: ${inline(chat.agent_name)}${chat.agent_model ? ` (${inline(chat.model ?? chat.agent_model)})` : ''}`);
  lines.push(`- Created: ${iso(chat.created_at)}`, `- Updated: ${iso(chat.updated_at)}`);
  if (chat.tags.length) lines.push(`- Tags: ${chat.tags.map(inline).join(', ')}`);
  if (chat.archived_at) lines.push(`- Archived: ${iso(chat.archived_at)}`);
  for (const message of path) {
    const who = message.role === 'user' ? 'You' : message.role === 'assistant' ? 'Assistant' : 'System';
    const model = message.role === 'assistant' && message.llm_model ? ` · ${inline(message.llm_model)}` : '';
    lines.push('', `**${who}**${model} · ${iso(message.created_at)}`, '');
    const { text, notes } = withFootnotes(message.content, message.citations ?? [], footnotes);
    lines.push(text || '_(empty)_');
    if (message.status !== 'complete') lines.push('', `_(${message.status})_`);
    const attached = (message.document_ids ?? []).flatMap((id) => (documents.has(id) ? [inline(documents.get(id)!.filename)] : []));
    if (attached.length) lines.push('', `_Attached: ${attached.join(', ')}_`);
    if (notes.length) lines.push('', ...notes);
  }
  return `${lines.join('\n')}\n`;
}

/** Turns the answer's `[n]` into `[^k]` footnote references and writes their definitions. */
function withFootnotes(content: string, citations: Citation[], footnotes: FootnoteCounter): { text: string; notes: string[] } {
  if (citations.length === 0) return { text: content, notes: [] };
  const labels = new Map<number, number>();
  const notes: string[] = [];
  for (const citation of citations) {
    if (labels.has(citation.index)) continue;
    const label = footnotes.take();
    labels.set(citation.index, label);
    notes.push(`[^${label}]: ${inline(citation.filename)}, p. ${citation.page}: “${inline(citation.snippet)}”`);
  }
  const text = content.replace(/\[(\d+)\]/g, (whole, n: string) => (labels.has(Number(n)) ? `[^${labels.get(Number(n))}]` : whole));
  return { text, notes };
}
