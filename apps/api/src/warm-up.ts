import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import { DatabaseProbe } from '#database';
import { countTokens } from '#text';

// A send runs up to three queries at once; a few more cover a second send meanwhile.
const CONNECTIONS_AHEAD = 4;

/**
 * Loads at boot what the first sends would otherwise load on their way, so the
 * first answer after a start comes as quickly as the tenth: the tokenizer's
 * vocabulary (~100 ms and its garbage; every send counts tokens to fit the
 * history and reserve its budget), fetch's HTTP client, and a few of the
 * database pool's connections.
 */
@Injectable()
export class WarmUp implements OnApplicationBootstrap {
  private readonly logger = new Logger('WarmUp');

  constructor(
    private readonly database: DatabaseProbe,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    countTokens('Bonjour, a first text to count.');
    // Node compiles fetch's HTTP client (undici, the LLM SDK's transport) on first use; a data: URL needs no network.
    await fetch('data:text/plain,warm')
      .then((response) => response.text())
      .catch(() => undefined);
    await this.database
      .openConnections(Math.min(CONNECTIONS_AHEAD, this.config.databasePoolSize))
      .catch((error: unknown) => this.logger.warn({ err: error }, 'Could not open database connections ahead of need'));
  }
}
