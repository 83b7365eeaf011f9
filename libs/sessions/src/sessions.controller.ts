import { Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import { SessionsService } from './sessions.service';
import type { Session } from '#database';
import type { AuthUser } from '#auth';
import { Authenticated, CurrentUser } from '#common';

export class SessionResponse {
  @ApiProperty() id!: string;
  @ApiProperty({ nullable: true }) user_agent!: string | null;
  @ApiProperty({ nullable: true }) ip!: string | null;
  @ApiProperty() created_at!: Date;
  @ApiProperty() last_seen_at!: Date;
  @ApiProperty() expires_at!: Date;
  @ApiProperty({ description: 'The session of the token making this request.' }) current!: boolean;
}

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
  @ApiOkResponse({ type: [SessionResponse] })
  async list(@CurrentUser() user: AuthUser): Promise<SessionResponse[]> {
    const sessions = await this.sessions.list(user.id);
    return sessions.map((session) => presentSession(session, user.session_id));
  }

  @Delete()
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Every other session of mine is revoked.' })
  async revokeOthers(@CurrentUser() user: AuthUser): Promise<void> {
    await this.sessions.revokeAll(user.id, user.session_id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Revoked; another user\'s session is 404.' })
  revoke(@CurrentUser() user: AuthUser, @Param('id', new ParseUUIDPipe({ errorHttpStatusCode: 404 })) id: string): Promise<void> {
    return this.sessions.revokeOwn(user.id, id);
  }
}
