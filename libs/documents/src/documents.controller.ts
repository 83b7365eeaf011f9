import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiPayloadTooLargeResponse,
  ApiProduces,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnsupportedMediaTypeResponse,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Authenticated, CurrentUser, IdPipe } from '#common';
import { DocumentResponse } from './document.presenter';
import { DocumentsService } from './documents.service';
import type { UploadedFile as StoredUpload } from './documents.service';
import { DocumentOwnerDto, DocumentTextResponse, UploadDocumentDto } from './dto/document.dto';
import type { AuthUser } from '#auth';

/** RFC 6266: an ASCII fallback and the UTF-8 name. */
function contentDisposition(filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${fallback}"; filename*=UTF-8''${encodeURIComponent(filename)}`;
}

@ApiTags('documents')
@Authenticated()
@ApiNotFoundResponse({ description: 'Missing, or not mine to read.' })
@Controller('documents')
export class DocumentsController {
  constructor(private readonly documents: DocumentsService) {}

  @Post('upload')
  @UseInterceptors(FileInterceptor('file'))
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadDocumentDto })
  @ApiCreatedResponse({ type: DocumentResponse, description: 'Stored; text extraction runs in the background (`status: pending`).' })
  @ApiOkResponse({ type: DocumentResponse, description: 'The same bytes were already uploaded here by you: that document, not a copy.' })
  @ApiPayloadTooLargeResponse({ description: 'Larger than MAX_UPLOAD_MB, or past USER_STORAGE_QUOTA_MB.' })
  @ApiTooManyRequestsResponse({ description: 'Past UPLOAD_RATE_LIMIT, or MAX_PENDING_DOCUMENTS_PER_USER documents still waiting to be read.' })
  @ApiUnsupportedMediaTypeResponse({ description: 'Not a supported format (decided from the content).' })
  async upload(
    @CurrentUser() user: AuthUser,
    @Body() body: DocumentOwnerDto,
    @UploadedFile() file: StoredUpload | undefined,
    @Res({ passthrough: true }) response: Response,
  ): Promise<DocumentResponse> {
    const { document, created } = await this.documents.upload(user, body, file);
    if (!created) response.status(200);
    return document;
  }

  @Get()
  @ApiOkResponse({ type: [DocumentResponse] })
  list(@CurrentUser() user: AuthUser, @Query() query: DocumentOwnerDto): Promise<DocumentResponse[]> {
    return this.documents.list(user, query);
  }

  @Get(':id')
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ description: 'The original file, as an attachment.' })
  async download(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number, @Res() response: Response): Promise<void> {
    const { document, stream } = await this.documents.download(user, id);
    response.set({
      'Content-Type': document.mime_type,
      'Content-Length': String(document.file_size),
      'Content-Disposition': contentDisposition(document.filename),
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
    });
    stream.on('error', () => response.destroy());
    stream.pipe(response);
  }

  @Get(':id/text')
  @ApiOkResponse({ type: DocumentTextResponse, description: 'The extracted text, by page.' })
  text(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number): Promise<DocumentTextResponse> {
    return this.documents.text(user, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The file and everything extracted from it are gone.' })
  remove(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number): Promise<void> {
    return this.documents.remove(user, id);
  }
}
