import { Body, Controller, HttpCode, Post, Res } from '@nestjs/common';
import { ApiExtraModels, ApiOkResponse, ApiOperation, getSchemaPath } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiOpenAiErrors } from '#common';
import { CurrentApiKey } from '#api-keys';
import type { ApiKeyPrincipal } from '#api-keys';
import { ChatCompletionsService } from './chat-completions.service';
import { clientGoneSignal } from './client-gone';
import { CompletionSse } from './completion-sse';
import { ChatCompletionRequest } from './dto/chat-completion.dto';
import { ChatCompletion, ChatCompletionChunk } from './dto/chat-completion-response.dto';
import { OpenAiCompatible } from './openai-compat.decorators';
import { ApiSaveChatHeader, CHAT_ID_HEADER, SaveChat } from './save-chat.header';

@OpenAiCompatible()
@Controller('v1/chat/completions')
export class ChatCompletionsController {
  constructor(
    private readonly completions: ChatCompletionsService,
    private readonly sse: CompletionSse,
  ) {}

  @Post()
  @HttpCode(200)
  @ApiExtraModels(ChatCompletionChunk)
  @ApiOkResponse({
    description:
      '`stream` false: the `chat.completion`. `stream` true: server-sent events, each `data:` a `ChatCompletionChunk`, ended by `data: [DONE]` ' +
      '(a failure after the first token ends the stream with a `data:` error object instead).',
    headers: { [CHAT_ID_HEADER]: { description: 'With X-FoyerGPT-Save-Chat: true (not streamed): the saved chat.', schema: { type: 'integer' } } },
    content: {
      'application/json': { schema: { $ref: getSchemaPath(ChatCompletion) } },
      'text/event-stream': { schema: { type: 'string', description: 'Server-sent events: `data: <ChatCompletionChunk JSON>` each, then `data: [DONE]`.' } },
    },
  })
  @ApiExtraModels(ChatCompletion)
  @ApiSaveChatHeader()
  @ApiOpenAiErrors(
    { 400: 'Invalid or unsupported parameter (`n` > 1, tools, `stop`, `top_p`, remote image URLs, a last message not the user\'s...): `param` names it.' },
    { 403: 'A read-only key, or API keys are disabled.' },
    { 404: "No such agent, not usable by the key's user, or outside the key's scope (`model_not_found`)." },
    { 413: 'Request body too large.' },
    { 429: 'Messages per minute, completions in progress, or a budget exceeded (Retry-After).' },
    { 503: 'No endpoint of the agent\'s model (or its fallbacks) could answer.' },
  )
  @ApiOperation({ summary: 'Ask an agent (chat completion, streamed or not)' })
  async create(
    @CurrentApiKey() principal: ApiKeyPrincipal,
    @Body() body: ChatCompletionRequest,
    @SaveChat() saveChat: boolean,
    @Res() response: Response,
  ): Promise<void> {
    const run = await this.completions.start(principal, body, saveChat);
    const clientGone = clientGoneSignal(response);
    if (body.stream) return this.sse.send(run, response, clientGone, body.stream_options?.include_usage === true);
    const completion = await this.completions.complete(run, clientGone);
    if (!completion) return;
    if (completion.foyergpt.chat_id !== null) response.setHeader(CHAT_ID_HEADER, String(completion.foyergpt.chat_id));
    response.status(200).json(completion);
  }
}
