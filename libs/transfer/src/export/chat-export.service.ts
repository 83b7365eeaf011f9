import { Injectable } from '@nestjs/common';
import { NotFoundError } from '#common';
import { ChatTransferRepository } from '#database';
import type { TransferAttachmentRow, TransferChatRow, TransferMessageRow } from '#database';
import { CHAT_FORMAT, CHATS_FORMAT, EXPORT_VERSION } from './export.schema';
import type { ChatExport } from './export.schema';
import { chatMarkdown, FootnoteCounter } from './markdown';
import { exportChat, exportMessage } from './present';

/** Where a streamed export goes; resolves when the text may be followed by more (back-pressure). */
export interface ExportSink {
  write(text: string): Promise<void>;
}

export type ExportFormat = 'json' | 'markdown';

/** Chats read at once by the all-chats export, and messages per read: the most it holds in memory. */
const CHAT_BATCH = 100;
const MESSAGE_BATCH = 1_000;

/**
 * Exports: one chat (JSON: the whole tree; Markdown: the active path) or all
 * of the user's chats, streamed chat by chat from keyset-batched reads.
 */
@Injectable()
export class ChatExportService {
  constructor(private readonly transfer: ChatTransferRepository) {}

  /** The caller's chat, or 404 (someone else's included). */
  async findOwn(userId: number, chatId: number): Promise<TransferChatRow> {
    const chat = await this.transfer.findOwnedChat(userId, chatId);
    if (!chat) throw new NotFoundError('Chat not found');
    return chat;
  }

  async chatJson(chat: TransferChatRow): Promise<ChatExport> {
    const messages = [];
    for await (const { rows, documents } of this.messagePages([chat.id])) messages.push(...rows.map((row) => exportMessage(row, documents)));
    return { format: CHAT_FORMAT, version: EXPORT_VERSION, exported_at: new Date().toISOString(), chat: exportChat(chat), messages };
  }

  async chatMarkdown(chat: TransferChatRow, footnotes = new FootnoteCounter(), level: 1 | 2 = 1): Promise<string> {
    const path = await this.transfer.activePaths([chat.id]);
    const documents = await this.documentsOf(path);
    return chatMarkdown(chat, path, documents, footnotes, level);
  }

  /** Every chat of the user, oldest first, written to `sink` as it is read. */
  async streamAll(userId: number, format: ExportFormat, sink: ExportSink): Promise<void> {
    const exportedAt = new Date().toISOString();
    await (format === 'markdown' ? this.streamMarkdown(userId, exportedAt, sink) : this.streamJson(userId, exportedAt, sink));
  }

  /** Each chat's active path, a batch of chats (and their paths) at a time. */
  private async streamMarkdown(userId: number, exportedAt: string, sink: ExportSink): Promise<void> {
    await sink.write(`# My FoyerGPT chats\n\nExported ${exportedAt}.\n`);
    const footnotes = new FootnoteCounter();
    for await (const chats of this.chatBatches(userId)) {
      const paths = await this.transfer.activePaths(chats.map((chat) => chat.id));
      const documents = await this.documentsOf(paths);
      const byChat = new Map<number, TransferMessageRow[]>();
      for (const message of paths) {
        if (!byChat.has(message.chat_id)) byChat.set(message.chat_id, []);
        byChat.get(message.chat_id)!.push(message);
      }
      for (const chat of chats) await sink.write(`\n---\n\n${chatMarkdown(chat, byChat.get(chat.id) ?? [], documents, footnotes, 2)}`);
    }
  }

  /** A `foyergpt.chats` document written as it is read: no chat, not even a long one, is held whole. */
  private async streamJson(userId: number, exportedAt: string, sink: ExportSink): Promise<void> {
    await sink.write(`{"format":${JSON.stringify(CHATS_FORMAT)},"version":${EXPORT_VERSION},"exported_at":"${exportedAt}","chats":[`);
    let firstChat = true;
    for await (const chats of this.chatBatches(userId)) {
      // Messages come in chat order: each chat is opened when its first message (or the next chat's) arrives.
      let current = -1;
      let firstMessage = true;
      const openNext = async () => {
        if (current >= 0) await sink.write(']}');
        current += 1;
        if (current >= chats.length) return;
        await sink.write(`${firstChat ? '' : ','}{"chat":${JSON.stringify(exportChat(chats[current]))},"messages":[`);
        firstChat = false;
        firstMessage = true;
      };
      for await (const { rows, documents } of this.messagePages(chats.map((chat) => chat.id))) {
        let text = '';
        for (const row of rows) {
          while (chats[current]?.id !== row.chat_id) {
            if (current >= chats.length) throw new Error(`message ${row.id} of chat ${row.chat_id} is outside the batch`);
            if (text) await sink.write(text);
            text = '';
            await openNext();
          }
          text += `${firstMessage ? '' : ','}${JSON.stringify(exportMessage(row, documents))}`;
          firstMessage = false;
        }
        if (text) await sink.write(text);
      }
      while (current < chats.length) await openNext();
    }
    await sink.write(']}\n');
  }

  private async *chatBatches(userId: number): AsyncGenerator<TransferChatRow[]> {
    let after = 0;
    for (;;) {
      const chats = await this.transfer.chatsAfter(userId, after, CHAT_BATCH);
      if (chats.length === 0) return;
      yield chats;
      after = chats[chats.length - 1].id;
    }
  }

  /** The messages of these chats in (chat, id) order, a page at a time, with their attachments' metadata. */
  private async *messagePages(chatIds: number[]): AsyncGenerator<{ rows: TransferMessageRow[]; documents: Map<number, TransferAttachmentRow> }> {
    let after = { chatId: 0, id: 0 };
    for (;;) {
      const rows = await this.transfer.messagesAfter(chatIds, after, MESSAGE_BATCH);
      if (rows.length === 0) return;
      yield { rows, documents: await this.documentsOf(rows) };
      const last = rows[rows.length - 1];
      after = { chatId: last.chat_id, id: last.id };
    }
  }

  private async documentsOf(messages: { document_ids: number[] | null }[]): Promise<Map<number, TransferAttachmentRow>> {
    const ids = [...new Set(messages.flatMap((message) => message.document_ids ?? []))];
    return new Map((await this.transfer.attachments(ids)).map((document) => [document.id, document]));
  }
}
