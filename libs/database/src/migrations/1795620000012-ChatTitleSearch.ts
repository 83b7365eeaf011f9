import { MigrationInterface, QueryRunner } from 'typeorm';

// Latin letters with accents and their unaccented lower-case forms (as unaccent() in JS): titles are matched without accents.
const ACCENTED = 'àáâãäåāăąçćčďèéêëēėęěìíîïīįñńňòóôõöōőùúûüūůűųýÿźżžÀÁÂÃÄÅĀĂĄÇĆČĎÈÉÊËĒĖĘĚÌÍÎÏĪĮÑŃŇÒÓÔÕÖŌŐÙÚÛÜŪŮŰŲÝŸŹŻŽ';
const UNACCENTED = 'aaaaaaaaacccdeeeeeeeeiiiiiinnnooooooouuuuuuuuyyzzzaaaaaaaaacccdeeeeeeeeiiiiiinnnooooooouuuuuuuuyyzzz';

/**
 * Full-text search of chat titles (GET /api/search): an expression index, so
 * every way a title is written (create, rename, title job, import, fork) is
 * indexed without a column to keep in step. Computing it at query time cost
 * about 7 µs a chat (350 ms for a user with 50,000 chats).
 * MessageSearchRepository's CHAT_TITLE_TSV must stay this very expression.
 */
export class ChatTitleSearch1795620000012 implements MigrationInterface {
  name = 'ChatTitleSearch1795620000012';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const text = `translate(lower("title"), '${ACCENTED}', '${UNACCENTED}')`;
    await queryRunner.query(
      `CREATE INDEX "IDX_chats_title_tsv" ON "chats" USING GIN ((to_tsvector('french', ${text}) || to_tsvector('english', ${text})))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP INDEX "IDX_chats_title_tsv"');
  }
}
