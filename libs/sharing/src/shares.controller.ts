import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated, CurrentUser, IdPipe, ApiErrors, ApiBodyErrors, ApiQueryErrors, ApiIdParams } from '#common';
import type { AuthUser } from '#auth';
import { CreateShareDto, ListSharesQuery } from './dto/share.dto';
import { CreatedShareResponse, ShareLinkPage } from './share.presenter';
import { SharingService } from './sharing.service';

/** The owner's side of share links: make, list, revoke. */
@ApiTags('sharing')
@Authenticated()
@Controller()
export class SharesController {
  constructor(private readonly sharing: SharingService) {}

  @Post('chats/:id/shares')
  @ApiCreatedResponse({ type: CreatedShareResponse, description: "A snapshot of the chat's active path now (an answer still streaming is left out). The token is shown only here." })
  @ApiOperation({ summary: 'Share a chat: create a read-only link' })
  @ApiErrors({ 404: 'Chat missing or not mine.', 409: 'The chat has no messages yet.' })
  @ApiBodyErrors()
  @ApiIdParams('id')
  create(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number, @Body() body: CreateShareDto): Promise<CreatedShareResponse> {
    return this.sharing.create(user, id, body);
  }

  @Get('chats/:id/shares')
  @ApiOkResponse({ type: ShareLinkPage, description: "This chat's links, revoked and expired ones included; never their tokens." })
  @ApiOperation({ summary: "List a chat's share links" })
  @ApiErrors({ 404: 'Chat missing or not mine.' })
  @ApiQueryErrors()
  @ApiIdParams('id')
  listForChat(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number, @Query() query: ListSharesQuery): Promise<ShareLinkPage> {
    return this.sharing.list(user, query, id);
  }

  @Get('shares')
  @ApiOkResponse({ type: ShareLinkPage, description: 'My links, revoked and expired ones included; never their tokens.' })
  @ApiOperation({ summary: 'List my share links' })
  @ApiQueryErrors()
  list(@CurrentUser() user: AuthUser, @Query() query: ListSharesQuery): Promise<ShareLinkPage> {
    return this.sharing.list(user, query);
  }

  @Delete('shares/:id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The link stops working at once (404 for everyone). Revoking twice is fine.' })
  @ApiOperation({ summary: 'Revoke a share link' })
  @ApiErrors({ 404: 'Link missing or not mine.' })
  @ApiIdParams('id')
  revoke(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number): Promise<void> {
    return this.sharing.revoke(user, id);
  }
}
