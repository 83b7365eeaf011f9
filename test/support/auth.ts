import type { TestApp } from './test-app';

export interface SignedIn {
  id: number;
  token: string;
  auth: { Authorization: string };
}

let counter = 0;

/** Registers a fresh user (the app's first one becomes admin) and logs in. */
export async function signUp(t: TestApp, overrides: { trigramme?: string; email?: string } = {}): Promise<SignedIn> {
  counter += 1;
  const letters = String.fromCharCode(65 + (counter % 26), 65 + (Math.floor(counter / 26) % 26), 65 + ((process.pid + counter) % 26));
  const email = overrides.email ?? `user${counter}-${process.pid}@example.org`;
  const body = { email, trigramme: overrides.trigramme ?? letters, password: 'correct horse battery' };
  const registered = await t.http().post('/api/auth/register').send(body).expect(201);
  const login = await t.http().post('/api/auth/login').send({ email, password: body.password }).expect(200);
  return { id: registered.body.id, token: login.body.access_token, auth: { Authorization: `Bearer ${login.body.access_token}` } };
}
