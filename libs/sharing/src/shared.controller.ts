import { Body, Controller, Get, Header, Param, Post, Req } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { Authenticated, CurrentUser, ApiErrors, ApiBodyErrors, ApiNoAuth } from '#common';
import type { AuthUser } from '#auth';
import { ChatResponse } from '#chats';
import { ForkSharedDto } from './dto/share.dto';
import { SharedChatResponse } from './share.presenter';
import { SharingService, SHARED_READS_PER_MINUTE } from './sharing.service';

const TOKEN_PARAM = ApiParam({ name: 'token', description: 'The token given when the link was made.', schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' } });
const GONE = 'Unknown, revoked or expired link (the same answer for each).';
const LIMITED = `More than ${SHARED_READS_PER_MINUTE} shared-link requests a minute from this address; see Retry-After.`;

/** The reader's side: anyone with the token reads the snapshot; a signed-in reader may continue it. */
@ApiTags('sharing')
@Controller('shared')
export class SharedController {
  constructor(private readonly sharing: SharingService) {}

  @Get(':token')
  // A snapshot may be private to whoever holds the link: kept out of shared caches and search engines.
  @Header('Cache-Control', 'no-store')
  @Header('X-Robots-Tag', 'noindex')
  @ApiOkResponse({ type: SharedChatResponse, description: 'The chat as it was when shared: no user, chat, message or document ids.' })
  @ApiOperation({ summary: 'Read a shared chat (no account needed)' })
  @ApiNoAuth()
  @ApiErrors({ 404: GONE, 429: LIMITED })
  @TOKEN_PARAM
  read(@Param('token') token: string, @Req() request: Request): Promise<SharedChatResponse> {
    return this.sharing.read(token, request.ip);
  }

  @Post(':token/fork')
  @Authenticated()
  @ApiCreatedResponse({
    type: ChatResponse,
    description:
      "A new chat of mine holding the shared messages (citations stay on the link), on the shared chat's agent if I may use it, else on `agent_id`.",
  })
  @ApiOperation({ summary: 'Continue a shared chat in my account' })
  @ApiErrors({ 404: `${GONE} Or \`agent_id\` is not an agent I may use.`, 429: LIMITED })
  @ApiBodyErrors()
  @TOKEN_PARAM
  fork(@CurrentUser() user: AuthUser, @Param('token') token: string, @Req() request: Request, @Body() body: ForkSharedDto): Promise<ChatResponse> {
    return this.sharing.fork(user, token, request.ip, body);
  }
}
