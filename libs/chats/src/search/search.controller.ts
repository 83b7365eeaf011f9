import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiQueryErrors, Authenticated, CurrentUser } from '#common';
import type { AuthUser } from '#auth';
import { MessageSearchService } from './message-search.service';
import { SearchMessagesQuery, SearchPage } from './search.dto';

@ApiTags('chats')
@Authenticated()
@Controller('search')
export class SearchController {
  constructor(private readonly search: MessageSearchService) {}

  @Get()
  @ApiOkResponse({ type: SearchPage, description: 'Matching titles, then messages, of my chats only.' })
  @ApiOperation({
    summary: 'Search my chats and messages',
    description:
      'Full text over my chats\' titles and messages (my questions and the answers, on every branch), French and English, ' +
      'accents and case ignored; a message or title must hold every word. Archived chats are included unless `archived=false`. ' +
      'Answers still streaming are found once they end. Filters combine; `from` is inclusive, `to` exclusive.',
  })
  @ApiQueryErrors()
  find(@CurrentUser() user: AuthUser, @Query() query: SearchMessagesQuery): Promise<SearchPage> {
    return this.search.search(user.id, query);
  }
}
