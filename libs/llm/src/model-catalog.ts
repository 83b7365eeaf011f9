import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG } from '../../config/src';
import type { AppConfig } from '../../config/src';

/**
 * The chat models agents may use: those the configured provider serves
 * (its chat model and its vision model). The default is the chat model.
 */
@Injectable()
export class ModelCatalog {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  chatModels(): string[] {
    const llm = this.config.llm;
    const models = llm.mode === 'vllm' ? [llm.vllmModelName, llm.pixtralVllmModel] : [llm.apiModel, llm.pixtralModel];
    return [...new Set(models.filter((model): model is string => !!model))];
  }

  defaultChatModel(): string | undefined {
    return this.chatModels()[0];
  }

  isChatModel(model: string): boolean {
    return this.chatModels().includes(model);
  }
}
