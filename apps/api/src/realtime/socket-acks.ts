import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG } from '#config';
import type { AppConfig } from '#config';
import type { Ack, ClientAck, ClientEventName } from '#realtime';
import { acknowledge, checkPayloadShape } from './socket-payloads';

/** Answers every client event with an ack of the type its event map declares. */
@Injectable()
export class SocketAcks {
  private readonly logger = new Logger('ChatGateway');

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  /** The payload is shape-checked first, so no handler walks a hostile one; any failure becomes `{ok: false, detail}`. */
  run<E extends ClientEventName>(event: E, payload: unknown, work: () => Promise<ClientAck<E>> | ClientAck<E>): Promise<Ack<ClientAck<E>>> {
    const checked = async () => {
      checkPayloadShape(payload, this.config.limits.bodyShape);
      return work();
    };
    return acknowledge(checked, (error) => this.logger.error({ err: error, event }, 'Socket handler failed'));
  }
}
