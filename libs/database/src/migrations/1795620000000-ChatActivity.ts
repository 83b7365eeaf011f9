import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A chat's updated_at follows its latest message, whoever inserts it (API,
 * worker, import), so "most recent activity first" needs no extra write in code.
 */
export class ChatActivity1795620000000 implements MigrationInterface {
  name = 'ChatActivity1795620000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE FUNCTION chats_touch_on_message() RETURNS trigger AS $$
      BEGIN
        UPDATE chats SET updated_at = now() WHERE id = NEW.chat_id;
        RETURN NEW;
      END
      $$ LANGUAGE plpgsql
    `);
    await queryRunner.query(`
      CREATE TRIGGER messages_touch_chat AFTER INSERT ON messages
      FOR EACH ROW EXECUTE FUNCTION chats_touch_on_message()
    `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TRIGGER messages_touch_chat ON messages');
    await queryRunner.query('DROP FUNCTION chats_touch_on_message()');
  }
}
