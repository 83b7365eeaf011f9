import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * OpenID Connect sign-in: users' provider identities (`iss` + `sub`), accounts
 * without a password, a trigramme derived at the first sign-on (changeable
 * once), sessions tied to the identity and the provider's session (for
 * back-channel logout), and groups whose memberships follow a claim.
 */
export class SingleSignOn1795620000014 implements MigrationInterface {
  name = 'SingleSignOn1795620000014';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const run = (sql: string) => queryRunner.query(sql);
    await run(`CREATE TABLE "user_identities" (
      "id" SERIAL NOT NULL,
      "user_id" integer NOT NULL,
      "issuer" character varying(500) NOT NULL,
      "subject" character varying(255) NOT NULL,
      "email" character varying(254),
      "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      "last_login_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(),
      CONSTRAINT "PK_e23bff04e9c3e7b785e442b262c" PRIMARY KEY ("id"))`);
    await run('CREATE INDEX "IDX_user_identities_user_id" ON "user_identities" ("user_id")');
    await run('CREATE UNIQUE INDEX "UQ_user_identities_issuer_subject" ON "user_identities" ("issuer", "subject")');
    await run(`ALTER TABLE "user_identities" ADD CONSTRAINT "FK_bf5fe01eb8cad7114b4c371cdc7"
      FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`);
    await run('ALTER TABLE "users" ADD "trigramme_derived" boolean NOT NULL DEFAULT false');
    await run('ALTER TABLE "users" ALTER COLUMN "hashed_password" DROP NOT NULL');
    await run('ALTER TABLE "sessions" ADD "identity_id" integer');
    await run('ALTER TABLE "sessions" ADD "idp_sid" character varying(255)');
    await run('CREATE INDEX "IDX_sessions_identity_id" ON "sessions" ("identity_id")');
    await run('CREATE INDEX "IDX_sessions_idp_sid" ON "sessions" ("idp_sid")');
    await run(`ALTER TABLE "sessions" ADD CONSTRAINT "FK_f1ebb39bb1a5dbff2727cbbc93e"
      FOREIGN KEY ("identity_id") REFERENCES "user_identities"("id") ON DELETE SET NULL ON UPDATE NO ACTION`);
    await run('ALTER TABLE "groups" ADD "oidc_managed" boolean NOT NULL DEFAULT false');
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    const run = (sql: string) => queryRunner.query(sql);
    await run('ALTER TABLE "groups" DROP COLUMN "oidc_managed"');
    await run('ALTER TABLE "sessions" DROP CONSTRAINT "FK_f1ebb39bb1a5dbff2727cbbc93e"');
    await run('DROP INDEX "IDX_sessions_idp_sid"');
    await run('DROP INDEX "IDX_sessions_identity_id"');
    await run('ALTER TABLE "sessions" DROP COLUMN "idp_sid"');
    await run('ALTER TABLE "sessions" DROP COLUMN "identity_id"');
    // Accounts without a password cannot survive the constraint: they go with their identities.
    await run('DELETE FROM "users" WHERE "hashed_password" IS NULL');
    await run('ALTER TABLE "users" ALTER COLUMN "hashed_password" SET NOT NULL');
    await run('ALTER TABLE "users" DROP COLUMN "trigramme_derived"');
    await run('DROP TABLE "user_identities"');
  }
}
