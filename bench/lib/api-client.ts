/** Minimal JSON client for the bench (a real client's view: HTTP only). */
export class ApiClient {
  token = '';

  constructor(readonly base: string) {}

  async call<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.base}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text.slice(0, 200)}`);
    return (text ? JSON.parse(text) : {}) as T;
  }

  /** Registers (first user: admin) and signs in. */
  async signUp(email: string, trigramme: string): Promise<void> {
    await this.call('POST', '/api/auth/register', { email, trigramme, password: 'bench-password' });
    const login = await this.call<{ access_token: string }>('POST', '/api/auth/login', { email, password: 'bench-password' });
    this.token = login.access_token;
  }
}
