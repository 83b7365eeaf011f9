import { Body, Controller, Param, Post, Put } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiBodyErrors, ApiErrors, ApiIdParams, Authenticated, CurrentUser, IdPipe } from '#common';
import { ChatResponse } from '#chats';
import type { AuthUser } from '#auth';
import { ActivePathResponse, ForkChatDto, SwitchBranchDto } from './branches.dto';
import { BranchesService } from './branches.service';

/** A chat's branches (messages form a tree; the chat shows and continues one path). */
@ApiTags('chats')
@Authenticated()
@ApiErrors({ 404: 'Chat or message missing or not mine (or the message is not in this chat).' })
@Controller('chats')
export class BranchesController {
  constructor(private readonly branches: BranchesService) {}

  @Put(':id/active-leaf')
  @ApiOkResponse({ type: ActivePathResponse, description: 'The new active path (its newest page). The chat\'s room gets `active_leaf_changed`.' })
  @ApiOperation({
    summary: 'Switch branch',
    description:
      'The branch through `message_id` becomes active, following the most recent child down to a leaf; the next message continues it and the prompt holds only it. Allowed while an answer streams (it goes on on its branch).',
  })
  @ApiBodyErrors()
  @ApiIdParams('id')
  switchBranch(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number, @Body() body: SwitchBranchDto): Promise<ActivePathResponse> {
    return this.branches.switchTo(user, id, body.message_id);
  }

  @Post(':id/fork')
  @ApiCreatedResponse({ type: ChatResponse, description: 'The new chat: the copied path is its active path.' })
  @ApiOperation({
    summary: 'Fork a chat',
    description:
      "Copies the path from the root to `message_id` (default: the active leaf) into a new chat of mine: same agent and model options, title + ' (fork)'. The chat's documents are not copied, and the questions' attachments are dropped.",
  })
  @ApiBodyErrors()
  @ApiIdParams('id')
  fork(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number, @Body() body: ForkChatDto): Promise<ChatResponse> {
    return this.branches.fork(user, id, body.message_id);
  }
}
