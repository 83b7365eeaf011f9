import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { ApiHeader } from '@nestjs/swagger';
import type { Request } from 'express';
import { ValidationError } from '#common';

export const SAVE_CHAT_HEADER = 'X-FoyerGPT-Save-Chat';
export const CHAT_ID_HEADER = 'X-FoyerGPT-Chat-Id';

/** Whether the client asked to save the exchange as a chat: `true` or `false` (absent: false); anything else is 400. */
export const SaveChat = createParamDecorator((_data: unknown, context: ExecutionContext): boolean => {
  const value = context.switchToHttp().getRequest<Request>().header(SAVE_CHAT_HEADER);
  if (value === undefined || /^false$/i.test(value.trim())) return false;
  if (/^true$/i.test(value.trim())) return true;
  throw new ValidationError([{ loc: ['header', SAVE_CHAT_HEADER], msg: `${SAVE_CHAT_HEADER} must be true or false` }]);
});

export const ApiSaveChatHeader = () =>
  ApiHeader({
    name: SAVE_CHAT_HEADER,
    required: false,
    schema: { type: 'string', enum: ['true', 'false'] },
    description:
      "`true`: also save the exchange (the client's user and assistant messages and the answer) as a chat of the key's user with the agent; " +
      `its id is in \`foyergpt.chat_id\` (and, not streamed, the \`${CHAT_ID_HEADER}\` response header). Absent or false: nothing is stored but the usage ledger row.`,
  });
