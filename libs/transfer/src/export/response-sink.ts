import type { Response } from 'express';
import type { ExportSink } from './chat-export.service';

/** Bytes gathered before a write: fewer, larger chunks than one per message. */
const CHUNK_BYTES = 64 * 1024;

class ClientGone extends Error {}

/**
 * An HTTP response as an export sink: buffers up to CHUNK_BYTES, waits for
 * `drain` when the client reads slower than the database answers (so memory
 * stays bounded), and stops the export when the client goes away.
 */
export class ResponseSink implements ExportSink {
  private buffer = '';
  private gone = false;

  constructor(private readonly response: Response) {
    response.on('close', () => {
      this.gone = true;
    });
  }

  async write(text: string): Promise<void> {
    this.buffer += text;
    if (this.buffer.length >= CHUNK_BYTES) await this.flush();
  }

  async end(): Promise<void> {
    await this.flush();
    this.response.end();
  }

  /** After a failure past the headers: cut the connection (a client gone needs nothing more). */
  abort(error: unknown): void {
    if (!(error instanceof ClientGone)) this.response.destroy(error instanceof Error ? error : undefined);
  }

  private async flush(): Promise<void> {
    if (this.gone) throw new ClientGone();
    const text = this.buffer;
    this.buffer = '';
    if (!text || this.response.write(text)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.response.off('drain', done);
        this.response.off('close', done);
        resolve();
      };
      this.response.on('drain', done);
      this.response.on('close', done);
    });
  }
}
