export * from './auth-user';
export * from './access-tokens';
export * from './auth.module';
export * from './dto/auth.dto';
