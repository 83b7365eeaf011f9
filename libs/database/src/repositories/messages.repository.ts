import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { Chat } from '../entities/chat.entity';
import { Message } from '../entities/message.entity';
import type { AnswerPart } from '../entities/answer-part';
import { MESSAGE_TSV_SQL, SIBLING_IDS_SQL } from './conversation-tree.repository';
import { unaccent } from './search/text-search';

// Two-key advisory locks live apart from the one-key ones (migrations, users).
const ANSWERS_LOCK_SPACE = 861_861_008;
/** How long a client's Idempotency-Key finds its exchange again. */
export const IDEMPOTENCY_WINDOW_HOURS = 24;

export interface Exchange {
  userMessage: Message;
  assistantMessage: Message;
}

/** Messages just inserted, each with its siblings' ids (itself included, in id order). */
export type WithSiblings<T> = T & { siblingIds: Map<number, number[]> };

type InsertedRow = Message & { earlier_sibling_ids: number[] | null };

/** Every column but the full-text one, which is never read back. */
const RETURNED = `id, content, role, chat_id, llm_model, llm_provider, status, heartbeat_at, idempotency_key, error, parent_id,
  document_ids, llm_temperature, llm_max_tokens, ttft_ms, prompt_tokens, completion_tokens, citations, created_at`;

/** Admits the insert only while the user has fewer than `cap` answers streaming. */
const UNDER_CAP = `SELECT 1 FROM messages m JOIN chats c ON c.id = m.chat_id
  WHERE c.user_id = $1 AND m.status = 'streaming' HAVING count(*) < $2`;

const ANSWER_COLUMNS =
  'chat_id, role, content, status, parent_id, llm_model, llm_provider, citations, prompt_tokens, llm_temperature, llm_max_tokens, heartbeat_at';

/**
 * A new question and where it goes in the tree: after the message its prompt's
 * history ended with (the active leaf it was sent on; an edited question's
 * parent), so the tree records exactly what the model was shown.
 */
export interface NewQuestion {
  content: string;
  parentId: number | null;
  documentIds?: number[];
}

/**
 * Runs in the insert's transaction, after the user's lock is taken and before
 * anything is written; throws to refuse (e.g. a budget), rolling it back.
 */
export type AdmissionGuard = (manager: EntityManager) => Promise<void>;

function answerValues(answer: Partial<Message>): unknown[] {
  return [
    answer.chat_id,
    answer.role,
    answer.content,
    answer.status,
    answer.llm_model,
    answer.llm_provider,
    answer.citations ? JSON.stringify(answer.citations) : null,
    // Until the answer ends: the prompt's counted estimate, which budgets reserve while it streams.
    answer.prompt_tokens ?? null,
    answer.llm_temperature ?? null,
    answer.llm_max_tokens ?? null,
  ];
}

/**
 * Where messages are written under the per-user cap on answers in progress:
 * each insert counts and writes in one transaction holding the user's
 * advisory lock, so concurrent sends (any instance, REST or socket) take
 * turns and the count each sees includes the others' answers.
 */
@Injectable()
export class MessagesRepository {
  // Sends of one user queue here first, so at most one of them per instance holds a pooled
  // connection while waiting for the advisory lock: a burst from one user cannot drain the pool.
  private readonly userQueues = new Map<number, Promise<unknown>>();

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  findById(id: number): Promise<Message | null> {
    return this.dataSource.getRepository(Message).findOneBy({ id });
  }

  /** The message when it is in one of the user's chats. */
  findInUserChats(userId: number, id: number): Promise<Message | null> {
    return this.dataSource
      .getRepository(Message)
      .createQueryBuilder('message')
      .innerJoin(Chat, 'chat', 'chat.id = message.chat_id')
      .where('message.id = :id AND chat.user_id = :userId', { id, userId })
      .getOne();
  }

  /** The chat's active leaf when it is an answer: the one a follower of the chat streams (other branches' answers are not shown). */
  /**
   * The active answer of a chat of the user's, in one round trip (a stream's
   * start): `undefined` when the chat is not theirs (or does not exist), `null` when it has no answer.
   */
  async findOwnActiveAnswer(userId: number, chatId: number): Promise<Message | null | undefined> {
    const chat = await this.dataSource
      .getRepository(Chat)
      .createQueryBuilder('chat')
      .select('chat.id')
      .leftJoinAndMapOne('chat.activeAnswer', Message, 'message', "message.id = chat.active_leaf_id AND message.role = 'assistant'")
      .where('chat.id = :chatId AND chat.user_id = :userId', { chatId, userId })
      .getOne();
    return chat ? ((chat as Chat & { activeAnswer?: Message }).activeAnswer ?? null) : undefined;
  }

  findActiveAnswer(chatId: number): Promise<Message | null> {
    return this.dataSource
      .getRepository(Message)
      .createQueryBuilder('message')
      .innerJoin(Chat, 'chat', 'chat.active_leaf_id = message.id')
      .where("chat.id = :chatId AND message.role = 'assistant'", { chatId })
      .getOne();
  }

  /**
   * The user's message and its (empty, `streaming`) answer; null when the cap
   * is reached. With a key, an exchange already stored under it is returned
   * instead (`created: false`), and a key past its window is freed for reuse.
   * `guard` may refuse a new exchange (not a repeat) by throwing. The answer
   * becomes the chat's active leaf.
   */
  insertExchange(
    request: { userId: number; cap: number; question: NewQuestion; idempotencyKey?: string; guard?: AdmissionGuard },
    answer: Partial<Message>,
  ): Promise<WithSiblings<{ exchange: Exchange; created: true }> | { exchange: Exchange; created: false } | null> {
    const { userId, cap, question, idempotencyKey, guard } = request;
    const chatId = answer.chat_id!;
    return this.underUserLock(userId, async (manager) => {
      if (idempotencyKey) {
        const earlier = await this.findExchange(chatId, idempotencyKey, manager);
        if (earlier) return { exchange: earlier, created: false };
        await manager.query('UPDATE messages SET idempotency_key = NULL WHERE chat_id = $1 AND idempotency_key = $2', [
          chatId,
          idempotencyKey,
        ]);
      }
      await guard?.(manager);
      const rows: InsertedRow[] = await manager.query(
        `WITH admitted AS (${UNDER_CAP}),
         question AS (
           INSERT INTO messages (chat_id, role, content, status, idempotency_key, parent_id, document_ids, tsv)
           SELECT $3, 'user', $13, 'complete', $14, $15::int, $16::int[], ${MESSAGE_TSV_SQL('$17')} FROM admitted
           RETURNING ${RETURNED}
         ), answer AS (
           INSERT INTO messages (${ANSWER_COLUMNS})
           SELECT $3, $4, $5, $6, question.id, $7, $8, $9::jsonb, $10::int, $11::float8, $12::int, now() FROM question RETURNING ${RETURNED}
         ), leaf AS (
           UPDATE chats SET active_leaf_id = answer.id FROM answer WHERE chats.id = $3
         )
         SELECT question.*, ${SIBLING_IDS_SQL('question')} AS earlier_sibling_ids FROM question
         UNION ALL SELECT answer.*, NULL FROM answer`,
        [
          userId,
          cap,
          ...answerValues(answer),
          question.content,
          idempotencyKey ?? null,
          question.parentId,
          question.documentIds?.length ? question.documentIds : null,
          unaccent(question.content),
        ],
      );
      if (rows.length === 0) return null;
      const { messages, siblingIds } = this.inserted(manager, rows);
      const [userMessage, assistantMessage] = ['user', 'assistant'].map((role) => messages.find((message) => message.role === role)!);
      // The answer became the chat's active leaf in the same statement (`leaf`).
      return { exchange: { userMessage, assistantMessage }, created: true, siblingIds };
    });
  }

  /**
   * A new (empty, `streaming`) answer to an earlier question (a sibling of its
   * other answers), made the chat's active leaf; null when the cap is reached;
   * `guard` may refuse it by throwing.
   */
  insertAnswer(
    request: { userId: number; cap: number; guard?: AdmissionGuard },
    answer: Partial<Message>,
  ): Promise<WithSiblings<{ answer: Message }> | null> {
    return this.underUserLock(request.userId, async (manager) => {
      await request.guard?.(manager);
      const rows: InsertedRow[] = await manager.query(
        `WITH answer AS (
           INSERT INTO messages (${ANSWER_COLUMNS})
           SELECT $3, $4, $5, $6, $13::int, $7, $8, $9::jsonb, $10::int, $11::float8, $12::int, now() FROM (${UNDER_CAP}) AS admitted
           RETURNING ${RETURNED}
         ), leaf AS (
           UPDATE chats SET active_leaf_id = answer.id FROM answer WHERE chats.id = $3
         )
         SELECT answer.*, ${SIBLING_IDS_SQL('answer')} AS earlier_sibling_ids FROM answer`,
        [request.userId, request.cap, ...answerValues(answer), answer.parent_id],
      );
      if (rows.length === 0) return null;
      const { messages, siblingIds } = this.inserted(manager, rows);
      return { answer: messages[0], siblingIds };
    });
  }

  /** Rows of messages just inserted as entities, and each one's siblings: those before it, then itself. */
  private inserted(manager: EntityManager, rows: InsertedRow[]): { messages: Message[]; siblingIds: Map<number, number[]> } {
    const repository = manager.getRepository(Message);
    const siblingIds = new Map(rows.map((row) => [row.id, [...(row.earlier_sibling_ids ?? []), row.id]]));
    return { messages: rows.map(({ earlier_sibling_ids: _earlier, ...row }) => repository.create(row)), siblingIds };
  }


  /** The exchange sent with this key in the chat within the window, if any. */
  async findExchange(chatId: number, idempotencyKey: string, manager = this.dataSource.manager): Promise<Exchange | null> {
    const messages = manager.getRepository(Message);
    const userMessage = await messages
      .createQueryBuilder('message')
      .where('message.chat_id = :chatId AND message.idempotency_key = :idempotencyKey', { chatId, idempotencyKey })
      .andWhere('message.created_at > now() - make_interval(hours => :hours)', { hours: IDEMPOTENCY_WINDOW_HOURS })
      .getOne();
    if (!userMessage) return null;
    const assistantMessage = await messages.findOne({ where: { parent_id: userMessage.id, role: 'assistant' }, order: { id: 'ASC' } });
    return assistantMessage ? { userMessage, assistantMessage } : null;
  }

  /** Saves an answer's partial text and heartbeat; false once it is no longer streaming (ended elsewhere, or deleted). */
  /** `parts`: the answer's parts so far, when it has called tools (else left as they are). */
  async saveProgress(id: number, content: string, parts?: AnswerPart[]): Promise<boolean> {
    const { affected } = await this.dataSource
      .getRepository(Message)
      .update({ id, status: 'streaming' }, { content, ...(parts ? { parts } : {}), heartbeat_at: () => 'now()' });
    return affected !== 0;
  }

  private underUserLock<T>(userId: number, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    const previous = this.userQueues.get(userId) ?? Promise.resolve();
    const turn = previous.then(
      () => this.lockedTransaction(userId, work),
      () => this.lockedTransaction(userId, work),
    );
    const settled = turn.catch(() => undefined);
    this.userQueues.set(userId, settled);
    void settled.then(() => {
      if (this.userQueues.get(userId) === settled) this.userQueues.delete(userId);
    });
    return turn;
  }

  private lockedTransaction<T>(userId: number, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    return this.dataSource.transaction(async (manager) => {
      await manager.query('SELECT pg_advisory_xact_lock($1, $2)', [ANSWERS_LOCK_SPACE, userId]);
      return work(manager);
    });
  }

  /** The chat's first question and first complete answer (among its first ten messages), for naming it. */
  async findFirstExchange(chatId: number): Promise<Exchange | null> {
    const messages = await this.dataSource.getRepository(Message).find({ where: { chat_id: chatId }, order: { id: 'ASC' }, take: 10 });
    const userMessage = messages.find((m) => m.role === 'user');
    const assistantMessage = messages.find((m) => m.role === 'assistant' && m.status === 'complete');
    return userMessage && assistantMessage ? { userMessage, assistantMessage } : null;
  }

  /** The answer, if complete, with the question it answers. */
  async findCompleteAnswerWithQuestion(answerId: number): Promise<Exchange | null> {
    const messages = this.dataSource.getRepository(Message);
    const assistantMessage = await messages.findOneBy({ id: answerId, status: 'complete' });
    const userMessage = assistantMessage?.parent_id ? await messages.findOneBy({ id: assistantMessage.parent_id }) : null;
    return assistantMessage && userMessage ? { userMessage, assistantMessage } : null;
  }
}
