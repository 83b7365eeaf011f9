export * from './password';
export * from './user-fields';
export * from './user.presenter';
export * from './users.service';
export * from './users.module';
