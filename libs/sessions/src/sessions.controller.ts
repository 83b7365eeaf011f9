import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Query } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiParam, ApiProperty, ApiTags } from '@nestjs/swagger';
import { SessionsService } from './sessions.service';
import type { Session } from '#database';
import type { AuthUser } from '#auth';
import { Authenticated, CurrentUser, KeysetPageQuery, PageOf, ApiErrors, ApiQueryErrors } from '#common';

export class SessionResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ nullable: true, type: String }) user_agent!: string | null;
  @ApiProperty({ nullable: true, type: String }) ip!: string | null;
  @ApiProperty() created_at!: Date;
  @ApiProperty() last_seen_at!: Date;
  @ApiProperty() expires_at!: Date;
  @ApiProperty({ description: 'The session of the token making this request.' }) current!: boolean;
}

export class SessionPage extends PageOf(SessionResponse, 'Newest login first.') {}

/** Session ids are random UUIDs: the cursor is a creation time, in microseconds since the epoch. */
export class ListSessionsQuery extends KeysetPageQuery(
  { default: 50, maximum: 100 },
  'Cursor: the `next_before` of the previous page (a session\'s creation time in microseconds since the epoch, not an id).',
  Number.MAX_SAFE_INTEGER,
) {}

function presentSession(session: Session, currentId: string): SessionResponse {
  const { id, user_agent, ip, created_at, last_seen_at, expires_at } = session;
  return { id, user_agent, ip, created_at, last_seen_at, expires_at, current: id === currentId };
}

@ApiTags('sessions')
@Authenticated()
@Controller('sessions')
export class SessionsController {
  constructor(private readonly sessions: SessionsService) {}

  @Get()
  @ApiOkResponse({ type: SessionPage, description: 'My live sessions, newest login first.' })
  @ApiOperation({ summary: 'List my sessions' })
  @ApiQueryErrors()
  async list(@CurrentUser() user: AuthUser, @Query() query: ListSessionsQuery): Promise<SessionPage> {
    const page = await this.sessions.list(user.id, query);
    return { items: page.items.map((session) => presentSession(session, user.session_id)), next_before: page.next_before };
  }

  @Delete()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Every other session of mine is revoked.' })
  @ApiOperation({ summary: 'Revoke my other sessions' })
  async revokeOthers(@CurrentUser() user: AuthUser): Promise<void> {
    await this.sessions.revokeMyOthers(user);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Revoked; another user\'s session is 404.' })
  @ApiOperation({ summary: 'Revoke one of my sessions' })
  @ApiErrors({ 404: 'Missing, or not mine.' })
  @ApiParam({ name: 'id', schema: { type: 'string', format: 'uuid' } })
  revoke(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe({ errorHttpStatusCode: 404 })) id: string): Promise<void> {
    return this.sessions.revokeMine(user, id);
  }
}
