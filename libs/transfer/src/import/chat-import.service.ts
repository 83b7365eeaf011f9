import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError, ValidationError } from '#common';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { ChatTransferRepository } from '#database';
import type { NewTransferChat } from '#database';
import { AgentsService } from '#agents';
import { ModelCatalog } from '#llm';
import type { AuthUser } from '#auth';
import type { ImportResult } from '../export/export.schema';
import { readChatGptExport } from './chatgpt-format';
import { isFoyerGptExport, readFoyerGptExport } from './foyergpt-format';
import type { ImportedChat } from './foyergpt-format';
import { fail, ImportProblem, isObject } from './read';

/**
 * Imports a FoyerGPT export or ChatGPT's conversations.json as new chats of
 * the caller: the whole file is read and checked first (the first problem is
 * a 422 naming where it is), then every chat is written in one transaction.
 */
@Injectable()
export class ChatImportService {
  constructor(
    private readonly transfer: ChatTransferRepository,
    private readonly agents: AgentsService,
    private readonly models: ModelCatalog,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async import(user: AuthUser, bytes: Buffer | undefined, agentId: number | undefined): Promise<ImportResult> {
    if (!bytes) throw new ValidationError([{ loc: ['body', 'file'], msg: 'A file is required (multipart field "file")' }]);
    // The agent first: an agent_id I may not use is 404, as when starting a chat.
    const chosenAgent = agentId === undefined ? null : (await this.agents.findVisible(user, agentId)).id;
    const chats = this.read(bytes, chosenAgent);
    const agentOf = await this.resolveAgents(user, chats, chosenAgent);
    const rows = chats.map((chat): NewTransferChat => ({ ...storedFields(chat), ...this.options(chat), agent_id: agentOf(chat) }));
    const chatIds = await this.transfer.insertChats(user.id, rows);
    return { imported: chatIds.length, chat_ids: chatIds };
  }

  private read(bytes: Buffer, chosenAgent: number | null): ImportedChat[] {
    try {
      let file: unknown;
      try {
        file = JSON.parse(bytes.toString('utf8'));
      } catch (error) {
        fail('file', `not valid JSON (${(error as Error).message.slice(0, 200)})`);
      }
      const options = { messageMaxChars: this.config.limits.messageMaxChars };
      if (Array.isArray(file)) {
        if (chosenAgent === null) throw new ValidationError([{ loc: ['body', 'agent_id'], msg: 'Required to import a ChatGPT file: the agent the chats continue with' }]);
        return readChatGptExport(file, options);
      }
      if (isObject(file) && isFoyerGptExport(file)) return readFoyerGptExport(file, options);
      return fail('file', 'neither a FoyerGPT export nor a ChatGPT conversations.json');
    } catch (error) {
      throw error instanceof ImportProblem ? problem(error.where, error.problem) : error;
    }
  }

  /** Without agent_id, each chat keeps its original agent when it exists here and the caller may use it. */
  private async resolveAgents(user: AuthUser, chats: ImportedChat[], chosen: number | null): Promise<(chat: ImportedChat) => number> {
    if (chosen !== null) return () => chosen;
    const usable = new Map<number, boolean>();
    for (const chat of chats) {
      const id = chat.original_agent_id;
      if (id !== null && !usable.has(id)) usable.set(id, await this.agents.findVisible(user, id).then(() => true, swallowNotFound));
      if (id === null || !usable.get(id)) {
        throw problem(`${chat.where ? `${chat.where}.` : ''}chat.agent`, `${id === null ? 'no agent' : `agent ${id} is not available here`}: give agent_id`);
      }
    }
    return (chat) => chat.original_agent_id!;
  }

  /** The chat's overrides as far as this server allows: a model it does not offer falls back to the agent's, the output cap to the server's. */
  private options(chat: ImportedChat): Pick<NewTransferChat, 'model' | 'max_output_tokens'> {
    return {
      model: chat.model !== null && this.models.isChatModel(chat.model) ? chat.model : null,
      max_output_tokens: chat.max_output_tokens === null ? null : Math.min(chat.max_output_tokens, this.config.llm.maxOutputTokens),
    };
  }
}

/** What is stored of a chat read from a file (not where it was, nor the agent it named). */
function storedFields({ where: _where, original_agent_id: _agent, ...fields }: ImportedChat): Omit<NewTransferChat, 'agent_id'> {
  return fields;
}

function problem(where: string, message: string): ValidationError {
  return new ValidationError([{ loc: ['body', 'file'], msg: `${where}: ${message}` }]);
}

function swallowNotFound(error: unknown): false {
  if (error instanceof NotFoundError) return false;
  throw error;
}
