import { Body, Controller, Get, Param, Post, Query, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import { ApiBody, ApiConsumes, ApiCreatedResponse, ApiExtraModels, ApiOkResponse, ApiOperation, ApiTags, getSchemaPath } from '@nestjs/swagger';
import type { Response } from 'express';
import { ApiErrors, ApiIdParams, ApiQueryErrors, Authenticated, CurrentUser, IdPipe } from '#common';
import type { AuthUser } from '#auth';
import { ExportQuery, ImportFieldsDto, ImportForm } from './dto/transfer.dto';
import { ChatExportService } from './export/chat-export.service';
import { ChatExport, ChatsExport, ImportResult } from './export/export.schema';
import { exportFilename } from './export/present';
import { ResponseSink } from './export/response-sink';
import { ChatImportService } from './import/chat-import.service';

const MARKDOWN = 'text/markdown; charset=utf-8';

/** Both formats of an export: JSON (`schema`) or Markdown text. */
const exportContent = (schema: string) => ({
  'application/json': { schema: { $ref: getSchemaPath(schema) } },
  'text/markdown': { schema: { type: 'string' as const } },
});

@ApiTags('chats')
@Authenticated()
@ApiExtraModels(ChatExport, ChatsExport)
@Controller('chats')
export class TransferController {
  constructor(
    private readonly exports: ChatExportService,
    private readonly imports: ChatImportService,
  ) {}

  @Get('export')
  @ApiOperation({ summary: 'Export all my chats (streamed)' })
  @ApiOkResponse({
    description:
      'Every chat of mine, oldest first, streamed as it is read (`Content-Disposition: attachment`). JSON: a `foyergpt.chats` document, each chat with its whole tree; Markdown: each chat\'s active path, one after the other.',
    content: exportContent('ChatsExport'),
  })
  @ApiQueryErrors()
  async exportAll(@CurrentUser() user: AuthUser, @Query() query: ExportQuery, @Res() response: Response): Promise<void> {
    const markdown = query.format === 'markdown';
    response.status(200).set({
      'Content-Type': markdown ? MARKDOWN : 'application/json; charset=utf-8',
      'Content-Disposition': `attachment; filename="foyergpt-chats.${markdown ? 'md' : 'json'}"`,
      'Cache-Control': 'no-store',
    });
    const sink = new ResponseSink(response);
    try {
      await this.exports.streamAll(user.id, query.format, sink);
      await sink.end();
    } catch (error) {
      // Headers are gone: a cut stream (invalid JSON, no final `]}`) is how the client learns it failed.
      sink.abort(error);
    }
  }

  @Get(':id/export')
  @ApiOperation({ summary: 'Export a chat' })
  @ApiOkResponse({
    description:
      'JSON (`foyergpt.chat`, version 1): the chat and every message of its tree, re-importable. Markdown: the active path, readable. Sent as an attachment with a file name from the title.',
    content: exportContent('ChatExport'),
  })
  @ApiErrors({ 404: 'Missing or not mine.' })
  @ApiQueryErrors()
  @ApiIdParams('id')
  async exportOne(
    @CurrentUser() user: AuthUser,
    @Param('id', IdPipe) id: number,
    @Query() query: ExportQuery,
    @Res({ passthrough: true }) response: Response,
  ): Promise<ChatExport | string> {
    const chat = await this.exports.findOwn(user.id, id);
    const markdown = query.format === 'markdown';
    response.set({
      'Content-Disposition': `attachment; filename="${exportFilename(chat.id, chat.title, markdown ? 'md' : 'json')}"`,
      'Cache-Control': 'no-store',
    });
    if (!markdown) return this.exports.chatJson(chat);
    response.set('Content-Type', MARKDOWN);
    return this.exports.chatMarkdown(chat);
  }

  @Post('import')
  @UseInterceptors(FileInterceptor('file'))
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: ImportForm })
  @ApiOperation({ summary: 'Import chats (a FoyerGPT export or ChatGPT conversations.json)' })
  @ApiCreatedResponse({ type: ImportResult, description: 'Every chat of the file, now mine, with new ids; all or nothing.' })
  @ApiErrors({
    404: 'agent_id is not an agent I may use.',
    413: 'Larger than MAX_UPLOAD_MB.',
    422: 'A field, or the file: its first problem, named by where it is (`conversations[3].mapping["abc"].parent: unknown node "zz"`). Nothing is imported.',
  })
  @ApiErrors(400)
  importChats(@CurrentUser() user: AuthUser, @Body() body: ImportFieldsDto, @UploadedFile() file: Express.Multer.File | undefined): Promise<ImportResult> {
    return this.imports.import(user, file?.buffer, body.agent_id);
  }
}
