import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { agentUsableBy, Chat, Memory, Message } from '#database';
import { LlmRegistry } from '#llm';
import { EmbeddingService, tsvectorSql, unaccent } from '#retrieval';
import { OnJob } from '#jobs';

export const MEMORY_LEARNING_JOB = 'memories.learn';

const EXTRACTION_PROMPT =
  'You maintain the long-term memory of an assistant about one user. From the exchange below, list the durable facts ' +
  'or preferences about the user worth remembering in future conversations (their role, projects, preferences, ' +
  'constraints). Ignore anything temporary or about the assistant. Answer only with a JSON array of short ' +
  'third-person sentences, in the language of the exchange, or [] if there is nothing worth remembering.';
const MAX_MEMORIES_PER_EXCHANGE = 5;
const MAX_MEMORY_CHARS = 300;

/** The JSON array in a model's answer (tolerating code fences or prose around it). */
export function parseMemories(answer: string): string[] {
  const match = /\[[\s\S]*\]/.exec(answer);
  if (!match) return [];
  try {
    const parsed: unknown = JSON.parse(match[0]);
    if (!Array.isArray(parsed)) return [];
    return parsed
      .filter((item): item is string => typeof item === 'string')
      .map((item) => item.trim().slice(0, MAX_MEMORY_CHARS))
      .filter(Boolean)
      .slice(0, MAX_MEMORIES_PER_EXCHANGE);
  } catch {
    return [];
  }
}

/** After an exchange with an agent that learns, keeps what is worth remembering about that user. */
@Injectable()
export class MemoryLearningJob {
  private readonly logger = new Logger('MemoryLearning');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly registry: LlmRegistry,
    private readonly embeddings: EmbeddingService,
  ) {}

  @OnJob({ name: MEMORY_LEARNING_JOB })
  async handle({ messageId }: { messageId: number }): Promise<void> {
    const messages = this.dataSource.getRepository(Message);
    const answer = await messages.findOneBy({ id: messageId, status: 'complete' });
    const question = answer?.parent_id ? await messages.findOneBy({ id: answer.parent_id }) : null;
    if (!answer || !question) return;
    const chat = await this.dataSource.getRepository(Chat).findOne({ where: { id: answer.chat_id }, relations: { agent: true, user: true } });
    // The flag and the agent's visibility are read now: turning either off stops learning at once.
    if (!chat?.agent?.learn_from_interaction || !chat.user || !agentUsableBy(chat.agent, chat.user)) return;

    const { provider, model } = this.registry.resolve(chat.agent.model);
    const result = await provider.chat({
      model,
      temperature: 0,
      maxTokens: 400,
      signal: AbortSignal.timeout(60_000),
      messages: [
        { role: 'system', content: EXTRACTION_PROMPT },
        { role: 'user', content: `User: ${question.content.slice(0, 4000)}\n\nAssistant: ${answer.content.slice(0, 4000)}` },
      ],
    });
    const existing = new Set(
      (await this.dataSource.getRepository(Memory).find({ select: { content: true }, where: { user_id: chat.user_id, agent_id: chat.agent.id } }))
        .map((memory) => unaccent(memory.content)),
    );
    const fresh = parseMemories(result.content).filter((content) => !existing.has(unaccent(content)));
    if (fresh.length === 0) return;
    const vectors = this.embeddings.model ? await this.embeddings.embed(fresh).catch(() => null) : null;
    for (const [i, content] of fresh.entries()) {
      await this.dataSource.query(
        `INSERT INTO memories (user_id, agent_id, content, source_message_id, tsv, embedding, embedding_model, embedding_dim)
         VALUES ($1, $2, $3, $4, ${tsvectorSql('$5')}, $6, $7, $8)`,
        [chat.user_id, chat.agent.id, content, answer.id, unaccent(content), vectors?.[i] ?? null, vectors ? this.embeddings.model : null, vectors?.[i]?.length ?? null],
      );
    }
    this.logger.log(`Learnt ${fresh.length} memories (user ${chat.user_id}, agent ${chat.agent.id})`);
  }
}
