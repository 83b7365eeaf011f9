import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { LlmRegistry } from './llm-registry';
import type { ModelInfo } from './llm.types';

const SERVED_CACHE_MS = 60_000;
const LIST_TIMEOUT_MS = 3000;

/**
 * The models agents may use and GET /api/models shows: configured ones, marked
 * `served` when the provider's own /models lists them, plus any others it lists.
 */
@Injectable()
export class ModelCatalog {
  private readonly logger = new Logger('ModelCatalog');
  private served = new Map<string, { ids: string[]; at: number }>();

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly registry: LlmRegistry,
  ) {}

  /** Chat models of the configured providers; before any is configured, the mode's configured names. */
  chatModels(): string[] {
    const providers = this.registry.providers();
    const llm = this.config.llm;
    const models = providers.length
      ? providers.flatMap((p) => p.configuredModels().filter((m) => m.capabilities.includes('chat')).map((m) => m.id))
      : llm.mode === 'vllm'
        ? [llm.vllmModelName, llm.pixtralVllmModel]
        : [llm.apiModel, llm.pixtralModel];
    return [...new Set(models.filter((model): model is string => !!model))];
  }

  defaultChatModel(): string | undefined {
    return this.chatModels()[0];
  }

  isChatModel(model: string): boolean {
    return this.chatModels().includes(model);
  }

  async list(): Promise<ModelInfo[]> {
    const lists = await Promise.all(
      this.registry.providers().map(async (provider) => {
        const served = await this.servedBy(provider.name, () => provider.listServedModels(AbortSignal.timeout(LIST_TIMEOUT_MS)));
        const configured = provider.configuredModels().map((info) => ({ ...info, served: served.includes(info.id) }));
        const extra = served
          .filter((id) => !configured.some((info) => info.id === id))
          .map((id): ModelInfo => ({ id, provider: provider.name, capabilities: ['chat'], served: true }));
        return [...configured, ...extra];
      }),
    );
    return lists.flat();
  }

  private async servedBy(name: string, fetch: () => Promise<string[]>): Promise<string[]> {
    const cached = this.served.get(name);
    if (cached && Date.now() - cached.at < SERVED_CACHE_MS) return cached.ids;
    try {
      const ids = await fetch();
      this.served.set(name, { ids, at: Date.now() });
      return ids;
    } catch (error) {
      this.logger.warn(`Could not list the models of ${name}: ${error instanceof Error ? error.message : error}`);
      return [];
    }
  }
}
