import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import type { Agent, Citation } from '#database';
import { Retriever } from '#retrieval';
import { countTokens } from '#text';

export interface AnswerContext {
  /** An extra system message (sources, memories), or empty. */
  text: string;
  citations: Citation[];
}

const SNIPPET_CHARS = 240;

/**
 * What the answer may draw on besides the chat: the most relevant chunks of
 * the chat's and its agent's documents, as numbered sources, and, for agents
 * that learn, what this user taught this agent before. Within a token budget;
 * nothing when nothing is relevant.
 */
@Injectable()
export class AnswerContextBuilder {
  constructor(
    private readonly retriever: Retriever,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Without `chatId` (the stateless OpenAI-compatible API), only the agent's documents are searched. */
  async build(question: string, scope: { chatId?: number; agent: Agent; userId: number }): Promise<AnswerContext> {
    const { topK, contextTokens } = this.config.retrieval;
    let budget = contextTokens;
    const sections: string[] = [];

    if (scope.agent.learn_from_interaction) {
      const memories = await this.retriever.searchMemories(scope.userId, scope.agent.id, question, 8, scope.chatId);
      const lines: string[] = [];
      for (const memory of memories) {
        const cost = countTokens(memory.content);
        if (cost > budget) break;
        budget -= cost;
        lines.push(`- ${memory.content}`);
      }
      if (lines.length) sections.push(`What you know about this user from earlier conversations:\n${lines.join('\n')}`);
    }

    const searcher = { userId: scope.userId, agentId: scope.agent.id, chatId: scope.chatId };
    const chunks = await this.retriever.searchDocuments({ chatId: scope.chatId, agentId: scope.agent.id }, question, topK, searcher);
    const citations: Citation[] = [];
    const sources: string[] = [];
    for (const chunk of chunks) {
      const block = `[${citations.length + 1}] ${chunk.filename}, page ${chunk.page}\n${chunk.text}`;
      const cost = countTokens(block);
      if (cost > budget) break;
      budget -= cost;
      sources.push(block);
      citations.push({
        index: citations.length + 1,
        document_id: chunk.document_id,
        filename: chunk.filename,
        page: chunk.page,
        chunk_id: chunk.chunk_id,
        score: chunk.score,
        snippet: chunk.text.slice(0, SNIPPET_CHARS),
      });
    }
    if (sources.length) {
      sections.push(
        'Sources from the documents of this conversation. Use them when they help, cite them as [n], ' +
          'and say so when they do not contain the answer.\n\n' +
          sources.join('\n\n'),
      );
    }
    return { text: sections.join('\n\n'), citations };
  }
}
