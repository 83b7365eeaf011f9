/** Who a valid token belongs to: the request identity every guarded route and socket receives. */
export interface AuthUser {
  id: number;
  email: string;
  trigramme: string;
  is_admin: boolean;
  session_id: string;
  /** When the session ends (ms since the epoch): live connections close then. */
  session_expires_at: number;
}
