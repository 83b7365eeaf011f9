import type { SignedIn } from './auth';
import { waitFor } from './chat-app';
import type { TestApp } from './test-app';

/** Uploads a text file to a chat or an agent and waits until its extraction ends (ready or failed). */
export async function uploadText(
  t: TestApp,
  user: SignedIn,
  entity: 'agent' | 'chat',
  id: number,
  text: string,
  name: string,
): Promise<number> {
  const response = await t.http().post('/api/documents/upload').set(user.auth)
    .field('entity_type', entity).field('entity_id', String(id)).attach('file', Buffer.from(text), name).expect(201);
  await waitFor(
    async () => (await t.http().get(`/api/documents?entity_type=${entity}&entity_id=${id}`).set(user.auth)).body.items.find((d: { id: number }) => d.id === response.body.id)?.status,
    (status) => status === 'ready' || status === 'failed',
    30_000,
  );
  return response.body.id;
}
