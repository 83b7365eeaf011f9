export * from './auth-user';
export * from './access-tokens';
export * from './auth.module';
export { AuthService } from './auth.service';
export type { ClientInfo } from './auth.service';
export * from './dto/auth.dto';
