import { Injectable, Logger } from '@nestjs/common';
import type { Response } from 'express';
import { toHttpErrorReply, toOpenAiErrorReply } from '#common';
import { ChatCompletionsService, usageOf } from './chat-completions.service';
import { ClientGone, outcomeOf } from './completion-run';
import type { CompletionRun } from './completion-run';
import type { ChatCompletionChunk, CompletionExtension } from './dto/chat-completion-response.dto';

/**
 * Streams a completion as OpenAI does: `chat.completion.chunk` events (the
 * first with the role, then the text, then one with `finish_reason` and our
 * `foyergpt` extension), with `stream_options.include_usage` a last chunk with
 * `usage`, then `data: [DONE]`. The stream opens at the first token, so a
 * request refused or failed before it (every endpoint down...) is still an
 * HTTP error in OpenAI's shape; a failure after it ends the stream with an
 * `error` event (no [DONE]), which SDKs raise.
 */
@Injectable()
export class CompletionSse {
  private readonly logger = new Logger('CompletionSse');

  constructor(private readonly completions: ChatCompletionsService) {}

  async send(run: CompletionRun, response: Response, clientGone: AbortSignal, includeUsage: boolean): Promise<void> {
    const { plan } = run;
    const chunk = (fields: Partial<ChatCompletionChunk> & Pick<ChatCompletionChunk, 'choices'>): string => {
      const body: ChatCompletionChunk = { id: plan.id, object: 'chat.completion.chunk', created: plan.created, model: plan.model, ...fields };
      if (includeUsage) body.usage ??= null;
      return `data: ${JSON.stringify(body)}\n\n`;
    };
    const open = () => {
      if (response.headersSent) return;
      response.status(200).set({
        'Content-Type': 'text/event-stream; charset=utf-8',
        'Cache-Control': 'no-cache, no-transform',
        Connection: 'keep-alive',
        // Tells nginx not to buffer the stream.
        'X-Accel-Buffering': 'no',
      });
      response.write(chunk({ choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] }));
    };
    try {
      for await (const delta of run.deltas(clientGone)) {
        open();
        response.write(chunk({ choices: [{ index: 0, delta: { content: delta }, finish_reason: null }] }));
      }
    } catch (error) {
      await this.completions.finish(run, run.ended(outcomeOf(error)));
      if (error instanceof ClientGone) {
        // Nobody reads any more: just close.
        response.end();
        return;
      }
      return this.fail(response, error);
    }
    const end = run.ended('complete');
    let extension: CompletionExtension;
    try {
      extension = await this.completions.finish(run, end);
    } catch (error) {
      // The chat could not be saved (X-FoyerGPT-Save-Chat).
      return this.fail(response, error);
    }
    // An empty answer opens the stream only now.
    open();
    response.write(chunk({ choices: [{ index: 0, delta: {}, finish_reason: end.finishReason }], foyergpt: extension }));
    if (includeUsage) response.write(chunk({ choices: [], usage: usageOf(end) }));
    response.end('data: [DONE]\n\n');
  }

  /** Before the stream opened, the request's error (the filter renders it); after, an `error` event that ends it. */
  private fail(response: Response, error: unknown): void {
    if (!response.headersSent) throw error;
    const reply = toOpenAiErrorReply(toHttpErrorReply(error, (unexpected) => this.logger.error({ err: unexpected }, 'Completion stream failed')));
    response.end(`data: ${JSON.stringify(reply.body)}\n\n`);
  }
}
