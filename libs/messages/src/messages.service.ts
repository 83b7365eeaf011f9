import { Inject, Injectable } from '@nestjs/common';
import {
  ConflictError,
  NotFoundError,
  RateLimiter,
  ServiceUnavailableError,
  TooManyRequestsError,
  ValidationError,
} from '#common';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import {
  AgentsRepository,
  Chat,
  ConversationTreeRepository,
  DEFAULT_CHAT_TITLE,
  DocumentsRepository,
  Exchange,
  Message,
  MessagesRepository,
} from '#database';
import type { NewQuestion } from '#database';
import { DocumentStorage } from '#documents';
import { LlmError, LlmRegistry } from '#llm';
import type { ModelRoute } from '#llm';
import { ChatsService, presentChat } from '#chats';
import { RealtimePublisher } from '#realtime';
import { BudgetAdmission } from '#usage';
import type { EffectiveLimits } from '#usage';
import { countTokens } from '#text';
import type { ChatMessagesQuery, EditMessageDto, ListMessagesQuery, MessagePage, SendMessageDto, SendMessageResponse } from './dto/message.dto';
import { GenerationOutcome, GenerationService } from './generation/generation.service';
import { AnswerContext, AnswerContextBuilder } from './generation/answer-context';
import { buildPrompt } from './generation/prompt-builder';
import type { Prompt } from './generation/prompt-builder';
import type { ChatWithMessages } from './chat-history.presenter';
import { pageMessages, withSiblings } from './message-page';
import { messagesRateLimit } from './messages-rate-limit';
import { MessageResponse, presentMessage, presentMessageWithSiblings } from './message.presenter';
import type { AuthUser } from '#auth';

const IMAGE_TYPES = new Set(['image/png', 'image/jpeg', 'image/webp']);
const tooManyAnswers = () => new TooManyRequestsError(5, 'Too many answers in progress; wait for one to finish');
// More messages than any context window holds.
const HISTORY_LIMIT = 400;

/** The model, temperature and output cap an answer is asked with: the chat's overrides, else its agent's. */
interface AnswerOptions {
  route: ModelRoute;
  temperature: number;
  maxTokens: number;
}

@Injectable()
export class MessagesService {
  constructor(
    private readonly chats: ChatsService,
    private readonly registry: LlmRegistry,
    private readonly generation: GenerationService,
    private readonly rateLimiter: RateLimiter,
    private readonly realtime: RealtimePublisher,
    private readonly context: AnswerContextBuilder,
    private readonly store: MessagesRepository,
    private readonly documents: DocumentsRepository,
    private readonly agents: AgentsRepository,
    private readonly storage: DocumentStorage,
    private readonly budgets: BudgetAdmission,
    private readonly tree: ConversationTreeRepository,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /**
   * A question after the chat's active leaf, and its answer (the new active
   * leaf). With an Idempotency-Key, a repeat returns the exchange the first
   * send stored instead of storing it again.
   */
  async send(user: AuthUser, body: SendMessageDto, idempotencyKey?: string): Promise<SendMessageResponse> {
    const chat = await this.writableChat(user, body.chat_id);
    const question = { content: body.content, parentId: chat.active_leaf_id, documentIds: body.document_ids ?? [] };
    return this.ask(user, chat, question, { idempotencyKey, stream: body.stream });
  }

  /**
   * Edits a question: a new sibling of it (same parent: a new branch) with the
   * new text, answered like a send; its answer becomes the active leaf. The
   * attachments stay the original's unless `document_ids` is given.
   */
  async edit(user: AuthUser, messageId: number, body: EditMessageDto, idempotencyKey?: string): Promise<SendMessageResponse> {
    const original = await this.findOwnMessage(user, messageId);
    if (original.role !== 'user') throw new ConflictError('Only a user message can be edited');
    const chat = await this.writableChat(user, original.chat_id);
    const documentIds = body.document_ids ?? (await this.stillAttached(chat, original.document_ids ?? []));
    const question = { content: body.content, parentId: original.parent_id, documentIds };
    return this.ask(user, chat, question, { idempotencyKey, stream: body.stream });
  }

  /**
   * A new answer to the same question (a sibling of its other answers), with
   * its images again and the chat's current model options; it becomes the
   * active leaf. Earlier answers stay, on their own branches.
   */
  async regenerate(user: AuthUser, messageId: number): Promise<MessageResponse> {
    const target = await this.findOwnMessage(user, messageId);
    const question = target.role === 'user' ? target : await this.findOwnMessage(user, target.parent_id ?? 0);
    if (question.role !== 'user') throw new ConflictError('Only an answer to a user message can be regenerated');
    const chat = await this.writableChat(user, question.chat_id);
    // Attachments deleted since are left out rather than failing the regenerate.
    const images = await this.loadImages(chat, await this.stillAttached(chat, question.document_ids ?? []));
    const options = this.optionsFor(chat, images.length > 0);
    const limits = await this.admit(user, question.content);
    const [history, context] = await Promise.all([
      this.historyUpTo(question.parent_id),
      this.context.build(question.content, { chatId: chat.id, agent: chat.agent!, userId: user.id }),
    ]);
    const prompt = this.promptFor(chat, history, { text: question.content, images }, context.text, options.maxTokens);
    const inserted = await this.store.insertAnswer(
      { userId: user.id, cap: this.config.limits.concurrentGenerationsPerUser, guard: this.budgets.guard(user.id, prompt.tokens, limits) },
      { ...this.newAnswer(chat.id, options, context, question.id), prompt_tokens: prompt.tokens },
    );
    if (!inserted) throw tooManyAnswers();
    const { answer, siblingIds } = inserted;
    const presented = presentMessageWithSiblings(answer, siblingIds.get(answer.id));
    this.realtime.toChat(chat.id).emit('message_created', { chat_id: chat.id, assistant_message: presented });
    // Runs on: GenerationService owns it, logging and settling its end (the promise never rejects).
    void this.startAnswer(user, chat, answer, options, prompt, images.length ? 'vision' : 'regenerate');
    return presented;
  }

  /** Stops an answer wherever it runs; the partial text is kept with status `stopped`. */
  async stop(user: AuthUser, messageId: number): Promise<MessageResponse> {
    const message = await this.findOwnMessage(user, messageId);
    if (message.role !== 'assistant') throw new ConflictError('Only an answer can be stopped');
    if (message.status === 'streaming') {
      if (!this.generation.stopLocal(message.id)) await this.generation.requestStop(message.id);
      return presentMessage(await this.generation.waitForEnd(message.id));
    }
    return presentMessage(message);
  }

  /** The chat's active path, newest page first. */
  async list(user: AuthUser, chatId: number, query: ListMessagesQuery): Promise<MessagePage> {
    const chat = await this.chats.findOwn(user, chatId);
    return pageMessages(this.tree, chat, query.limit, query.before);
  }

  /** The caller's message (in one of their chats); anyone else's is 404. */
  async findOwnMessage(user: AuthUser, id: number): Promise<Message> {
    const message = await this.store.findInUserChats(user.id, id);
    if (!message) throw new NotFoundError('Message not found');
    return message;
  }

  async chatWithMessages(user: AuthUser, chatId: number, query: ChatMessagesQuery): Promise<ChatWithMessages> {
    const chat = await this.chats.findOwn(user, chatId);
    const page = await pageMessages(this.tree, chat, query.limit, query.before);
    return { ...presentChat(chat, this.config.llm.maxOutputTokens), messages: page.items, messages_next_before: page.next_before };
  }

  private async writableChat(user: AuthUser, chatId: number): Promise<Chat> {
    const chat = await this.chats.findOwn(user, chatId);
    if (!chat.agent || chat.agent.deleted_at) {
      throw new ConflictError("This chat's agent was deleted: the chat is read-only");
    }
    // Checked on every send: an agent made private stops answering others' chats; their history stays readable.
    if (!(await this.agents.isUsableBy(chat.agent, user))) throw new NotFoundError("Agent not found: this chat's agent is no longer shared with you");
    return chat;
  }

  /**
   * Asks a question at its place in the tree (`question.parentId`) and starts
   * its answer: the admission, prompt and insert shared by a send and an edit.
   */
  private async ask(
    user: AuthUser,
    chat: Chat,
    question: NewQuestion & { documentIds: number[] },
    request: { idempotencyKey?: string; stream?: boolean },
  ): Promise<SendMessageResponse> {
    const { idempotencyKey } = request;
    if (question.content.length > this.config.limits.messageMaxChars) {
      throw new ValidationError([
        { loc: ['body', 'content'], msg: `content must be at most ${this.config.limits.messageMaxChars} characters` },
      ]);
    }
    const earlier = idempotencyKey ? await this.store.findExchange(chat.id, idempotencyKey) : null;
    if (earlier) return this.repeated(earlier, question.content, request.stream);
    const images = await this.loadImages(chat, question.documentIds);
    const options = this.optionsFor(chat, images.length > 0);
    const limits = await this.admit(user, question.content);
    // Admitted before any work that costs (the query's embedding); then both reads at once.
    const [history, context] = await Promise.all([
      this.historyUpTo(question.parentId),
      this.context.build(question.content, { chatId: chat.id, agent: chat.agent!, userId: user.id }),
    ]);
    const prompt = this.promptFor(chat, history, { text: question.content, images }, context.text, options.maxTokens);
    const inserted = await this.store.insertExchange(
      {
        userId: user.id,
        cap: this.config.limits.concurrentGenerationsPerUser,
        question: { ...question, documentIds: [...new Set(question.documentIds)] },
        idempotencyKey,
        guard: this.budgets.guard(user.id, prompt.tokens, limits),
      },
      { ...this.newAnswer(chat.id, options, context), prompt_tokens: prompt.tokens },
    );
    if (!inserted) throw tooManyAnswers();
    if (!inserted.created) return this.repeated(inserted.exchange, question.content, request.stream);
    const { userMessage, assistantMessage } = inserted.exchange;
    const [user_message, assistant_message] = [userMessage, assistantMessage].map((message) =>
      presentMessageWithSiblings(message, inserted.siblingIds.get(message.id)),
    );
    this.realtime.toChat(chat.id).emit('message_created', { chat_id: chat.id, user_message, assistant_message });
    // Never rejects (GenerationService logs and settles every answer), so a streamed send may leave it running.
    const done = this.startAnswer(user, chat, assistantMessage, options, prompt, images.length ? 'vision' : 'answer');
    if (request.stream === false) {
      const outcome = await done;
      this.throwIfFailed(outcome);
      return { user_message, assistant_message: { ...assistant_message, ...presentMessage(outcome.message) } };
    }
    return { user_message, assistant_message };
  }

  /**
   * The branch up to `leafId` (the new question's parent), oldest first: only
   * the active path reaches the prompt, never other branches. Bounded: the
   * prompt keeps only what fits the context window anyway, and loading (and
   * counting tokens of) a long chat's whole history made every send slower.
   */
  private async historyUpTo(leafId: number | null): Promise<Message[]> {
    return leafId ? this.tree.promptPath(leafId, HISTORY_LIMIT) : [];
  }

  /**
   * The chat's model (the vision one for images) with the agent's fallbacks, temperature and output
   * cap, each the agent's unless the chat overrides it.
   */
  private optionsFor(chat: Chat, withImages: boolean): AnswerOptions {
    const agent = chat.agent!;
    const serverCap = this.config.llm.maxOutputTokens;
    return {
      route: this.registry.route(chat.model ?? agent.model, { withImages, fallbacks: agent.fallback_models }),
      temperature: chat.temperature ?? agent.temperature,
      maxTokens: Math.min(chat.max_output_tokens ?? serverCap, serverCap),
    };
  }

  /**
   * Rate limit, and an early refusal at a budget (counting the question alone)
   * before any work that costs; returns the limits that apply. The insert
   * enforces the budget (with these limits) and the cap on answers in progress
   * atomically, under the user's lock: concurrent sends on any instance take
   * turns, each counting the answers the others admitted (streaming ones
   * included), so none slips past. (The cap is checked there only: a refusal
   * at it is brief, and an early count cost every send a query.)
   */
  private async admit(user: AuthUser, question: string): Promise<EffectiveLimits> {
    const [, limits] = await Promise.all([
      this.rateLimiter.consume(messagesRateLimit(user.id, this.config)),
      this.budgets.check(user.id, countTokens(question)),
    ]);
    return limits;
  }

  /**
   * Built once per answer, before its insert: its counted tokens (text only)
   * are reserved against token budgets while the answer streams.
   */
  private promptFor(
    chat: Chat,
    history: Message[],
    current: { text: string; images: string[] },
    context: string,
    maxOutputTokens: number,
  ): Prompt {
    return buildPrompt({
      systemPrompt: chat.agent!.system_prompt,
      context,
      history,
      current,
      budgetTokens: this.config.llm.contextTokens - maxOutputTokens,
    });
  }

  /** A retried send: the stored exchange, as the first send would have answered (the same content required). */
  private async repeated({ userMessage, assistantMessage }: Exchange, content: string, stream?: boolean): Promise<SendMessageResponse> {
    if (userMessage.content !== content) {
      throw new ConflictError('This Idempotency-Key was already used for a different message in this chat');
    }
    if (stream === false) this.throwIfFailed({ message: assistantMessage });
    const [user_message, assistant_message] = await withSiblings(this.tree, [userMessage, assistantMessage]);
    return { user_message, assistant_message };
  }

  /**
   * An empty assistant message, `streaming` until its generation ends (the answer to `parentId`);
   * its model and provider are where it is sent first, until it ends with those that served it.
   */
  private newAnswer(chatId: number, options: AnswerOptions, context: AnswerContext, parentId?: number): Partial<Message> {
    const [first] = options.route.targets;
    return {
      chat_id: chatId,
      role: 'assistant',
      content: '',
      status: 'streaming',
      parent_id: parentId,
      llm_model: first.model,
      llm_provider: first.provider.name,
      llm_temperature: options.temperature,
      llm_max_tokens: options.maxTokens,
      citations: context.citations.length ? context.citations : null,
    };
  }

  /** `vision` when the prompt carries images: it goes to the vision model, and the ledger tells those calls apart. */
  private startAnswer(
    user: AuthUser,
    chat: Chat,
    answer: Message,
    { route, temperature, maxTokens }: AnswerOptions,
    prompt: Prompt,
    purpose: 'answer' | 'regenerate' | 'vision',
  ): Promise<GenerationOutcome> {
    const agent = chat.agent!;
    return this.generation.start({
      chatId: chat.id,
      assistantMessageId: answer.id,
      route,
      temperature,
      maxTokens,
      prompt: prompt.messages,
      promptTokens: prompt.tokens,
      wantsTitle: chat.title === DEFAULT_CHAT_TITLE,
      learns: agent.learn_from_interaction,
      userId: chat.user_id,
      actor: { id: user.id, email: user.email },
      agentId: agent.id,
      purpose,
    });
  }

  /** With `stream: false` a failed or interrupted answer is the request's failure (both messages stay stored). */
  private throwIfFailed({ message, failure }: GenerationOutcome): void {
    // The provider's own failure (busy: 429 with its Retry-After) when this run failed on it; else the answer is unavailable.
    if (message.status === 'failed' && failure instanceof LlmError) throw failure;
    if (message.status === 'failed' || message.status === 'interrupted') throw new ServiceUnavailableError(message.error ?? 'The answer failed');
  }

  /** Of a question's attachments, those still in the chat or its agent (a document may have been deleted since). */
  private async stillAttached(chat: Chat, ids: number[]): Promise<number[]> {
    if (ids.length === 0) return [];
    const documents = await this.documents.findChatDocuments(ids, { id: chat.id, agentId: chat.agent_id });
    return documents.map((document) => document.id);
  }

  /** Images among the documents become data URLs for the vision model; documents must belong to the chat or its agent. */
  private async loadImages(chat: Chat, ids: number[]): Promise<string[]> {
    if (ids.length === 0) return [];
    const documents = await this.documents.findChatDocuments(ids, { id: chat.id, agentId: chat.agent_id });
    if (documents.length !== new Set(ids).size) throw new NotFoundError('Document not found');
    const images = documents.filter((document) => IMAGE_TYPES.has(document.mime_type));
    return Promise.all(
      images.map(async (document) => {
        const bytes = await this.storage.read(document.file_path);
        return `data:${document.mime_type};base64,${bytes.toString('base64')}`;
      }),
    );
  }
}
