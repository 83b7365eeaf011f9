import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query, Res, UploadedFile, UseInterceptors } from '@nestjs/common';
import { FileInterceptor } from '@nestjs/platform-express';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import type { Response } from 'express';
import { Authenticated, CurrentUser, IdPipe, ApiErrors, ApiQueryErrors, ApiIdParams } from '#common';
import type { Document } from '#database';
import { ApiTicketIssued, ApiTicketQuery, UrlTicketResponse, UrlTickets } from '#sessions';
import { DocumentPage, DocumentResponse } from './document.presenter';
import { DocumentsService } from './documents.service';
import type { UploadedFile as StoredUpload } from './documents.service';
import { DocumentOwnerDto, DocumentTextResponse, ListDocumentsQuery, UploadDocumentDto } from './dto/document.dto';
import type { AuthUser } from '#auth';

/** Types a browser may show in place: images it renders and PDF, as detected from the bytes at upload (never as declared). */
const INLINE_TYPES = new Set(['image/png', 'image/jpeg', 'image/webp', 'application/pdf']);

/** RFC 6266 / 5987: an ASCII fallback and the UTF-8 name. */
function contentDisposition(disposition: 'inline' | 'attachment', filename: string): string {
  const fallback = filename.replace(/[^\x20-\x7e]/g, '_').replace(/["\\;]/g, '_');
  const encoded = encodeURIComponent(filename).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return `${disposition}; filename="${fallback}"; filename*=UTF-8''${encoded}`;
}

/** Headers that let a browser show images and PDF in place and save everything else, never sniffing or running it. */
function downloadHeaders(document: Pick<Document, 'mime_type' | 'file_size' | 'filename'>): Record<string, string> {
  const inline = INLINE_TYPES.has(document.mime_type);
  const headers: Record<string, string> = {
    // Stored from the detected kind at upload, never from the declared type.
    'Content-Type': document.mime_type,
    'Content-Length': String(document.file_size),
    'Content-Disposition': contentDisposition(inline ? 'inline' : 'attachment', document.filename),
    'X-Content-Type-Options': 'nosniff',
    // A separate frontend may show it (<img>, a link); access is by header or ticket, not by origin.
    'Cross-Origin-Resource-Policy': 'cross-origin',
  };
  // Sandboxed, except PDF, which Chromium's viewer does not open in a sandboxed document.
  if (document.mime_type !== 'application/pdf') headers['Content-Security-Policy'] = "default-src 'none'; sandbox";
  return headers;
}

@ApiTags('documents')
@Authenticated()
@ApiErrors({ 404: 'Missing, or not mine to read.' })
@Controller('documents')
export class DocumentsController {
  constructor(
    private readonly documents: DocumentsService,
    private readonly tickets: UrlTickets,
  ) {}

  @Post('upload')
  @UseInterceptors(FileInterceptor('file'))
  @ApiConsumes('multipart/form-data')
  @ApiBody({ type: UploadDocumentDto })
  @ApiCreatedResponse({ type: DocumentResponse, description: 'Stored; text extraction runs in the background (`status: pending`).' })
  @ApiOkResponse({ type: DocumentResponse, description: 'The same bytes were already uploaded here by you: that document, not a copy.' })
  @ApiErrors({ 413: 'Larger than MAX_UPLOAD_MB, or past USER_STORAGE_QUOTA_MB.' })
  @ApiErrors({ 429: 'Past UPLOAD_RATE_LIMIT, or MAX_PENDING_DOCUMENTS_PER_USER documents still waiting to be read.' })
  @ApiErrors({ 415: 'Not a supported format (decided from the content).' })
  @ApiOperation({ summary: 'Upload a document to a chat or an agent' })
  @ApiErrors(400, 422)
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
  @ApiOkResponse({ type: DocumentPage, description: "A chat's or an agent's documents, newest first." })
  @ApiOperation({ summary: 'List the documents of a chat or an agent' })
  @ApiQueryErrors()
  list(@CurrentUser() user: AuthUser, @Query() query: ListDocumentsQuery): Promise<DocumentPage> {
    return this.documents.list(user, query);
  }

  @Post(':id/ticket')
  @ApiTicketIssued('Get a ticket URL to show or download a document', 'an `<img src>`, a link or a download of this document')
  @ApiIdParams('id')
  async ticket(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number): Promise<UrlTicketResponse> {
    await this.documents.get(user, id);
    return this.tickets.issueUrl(user, 'document', id, `/api/documents/${id}`);
  }

  @Get(':id')
  @Authenticated({ ticket: { purpose: 'document', param: 'id' } })
  @ApiTicketQuery('POST /api/documents/{id}/ticket')
  @ApiOperation({ summary: 'Download or show a document (the original bytes)' })
  @ApiOkResponse({
    description:
      'The original bytes. `Content-Type` is the type detected at upload; `Content-Disposition: inline` for PNG, JPEG, WebP and PDF, `attachment` otherwise (RFC 5987 `filename*`); always `X-Content-Type-Options: nosniff`.',
    content: Object.fromEntries(
      ['image/png', 'image/jpeg', 'image/webp', 'image/tiff', 'application/pdf', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document', 'text/plain', 'text/markdown', 'text/csv'].map(
        (type) => [type, { schema: { type: 'string', format: 'binary' } }],
      ),
    ),
  })
  @ApiErrors({ 401: 'No valid bearer token, and no valid ticket for this document (missing, expired, tampered, other purpose or document, session revoked).' })
  @ApiIdParams('id')
  async download(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number, @Res() response: Response): Promise<void> {
    const { document, stream } = await this.documents.download(user, id);
    const headers = downloadHeaders(document);
    if (!headers['Content-Security-Policy']) response.removeHeader('Content-Security-Policy');
    response.set(headers);
    stream.on('error', () => response.destroy());
    stream.pipe(response);
  }

  @Get(':id/text')
  @ApiOkResponse({ type: DocumentTextResponse, description: 'The extracted text, by page.' })
  @ApiOperation({ summary: 'Get a document\'s extracted text' })
  @ApiIdParams('id')
  text(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number): Promise<DocumentTextResponse> {
    return this.documents.text(user, id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'The file and everything extracted from it are gone.' })
  @ApiOperation({ summary: 'Delete a document' })
  @ApiIdParams('id')
  remove(@CurrentUser() user: AuthUser, @Param('id', IdPipe) id: number): Promise<void> {
    return this.documents.remove(user, id);
  }
}
