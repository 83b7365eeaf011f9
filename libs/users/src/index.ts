export * from './new-user.dto';
export * from './password';
export * from './user.presenter';
export * from './users.service';
export * from './users.module';
export * from './admin/admin.service';
export * from './admin/user-admin.module';
