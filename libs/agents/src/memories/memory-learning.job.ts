import { Injectable, Logger } from '@nestjs/common';
import { AgentsRepository, ChatsRepository, MemoriesRepository, MessagesRepository, unaccent } from '#database';
import { FailoverStreamer, LlmRegistry } from '#llm';
import type { ChatMessage } from '#llm';
import { chatCallTokens, routedCallUse, UsageLedger } from '#usage';
import { EmbeddingService } from '#retrieval';
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
    private readonly messages: MessagesRepository,
    private readonly chats: ChatsRepository,
    private readonly agents: AgentsRepository,
    private readonly memories: MemoriesRepository,
    private readonly registry: LlmRegistry,
    private readonly failover: FailoverStreamer,
    private readonly embeddings: EmbeddingService,
    private readonly ledger: UsageLedger,
  ) {}

  @OnJob({ name: MEMORY_LEARNING_JOB })
  async handle({ messageId }: { messageId: number }): Promise<void> {
    const exchange = await this.messages.findCompleteAnswerWithQuestion(messageId);
    if (!exchange) return;
    const { userMessage: question, assistantMessage: answer } = exchange;
    const chat = await this.chats.findWithAgentAndUser(answer.chat_id);
    // The flag and the agent's visibility are read now: turning either off stops learning at once.
    if (!chat?.agent?.learn_from_interaction || !chat.user || !(await this.agents.isUsableBy(chat.agent, chat.user))) return;

    const route = this.registry.route(chat.agent.model, { fallbacks: chat.agent.fallback_models });
    const first = route.targets[0];
    const messages: ChatMessage[] = [
      { role: 'system', content: EXTRACTION_PROMPT },
      { role: 'user', content: `User: ${question.content.slice(0, 4000)}\n\nAssistant: ${answer.content.slice(0, 4000)}` },
    ];
    const caller = { userId: chat.user_id, agentId: chat.agent.id, chatId: chat.id, messageId: answer.id };
    const result = await this.ledger.track(
      { ...caller, purpose: 'memory_extraction', provider: first.provider.name, model: first.model },
      () => this.failover.complete(route, { temperature: 0, maxTokens: 400, messages }, AbortSignal.timeout(60_000)),
      (done) => routedCallUse(messages, done),
      () => chatCallTokens(messages),
    );
    const existing = new Set((await this.memories.contentsFor(chat.user_id, chat.agent.id)).map(unaccent));
    const fresh = parseMemories(result.content).filter((content) => !existing.has(unaccent(content)));
    if (fresh.length === 0) return;
    const embeddingModel = this.embeddings.model;
    const vectors = embeddingModel ? await this.embeddings.embed(fresh, { ...caller, purpose: 'memory_embedding' }).catch(() => null) : null;
    for (const [i, content] of fresh.entries()) {
      await this.memories.insert({
        userId: chat.user_id,
        agentId: chat.agent.id,
        content,
        sourceMessageId: answer.id,
        embedding: embeddingModel && vectors?.[i] ? { vector: vectors[i], model: embeddingModel } : null,
      });
    }
    this.logger.log(`Learnt ${fresh.length} memories (user ${chat.user_id}, agent ${chat.agent.id})`);
  }
}
