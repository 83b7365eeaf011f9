export * from './new-user.dto';
export * from './password';
export * from './user.presenter';
export * from './users.service';
export * from './users.module';
export { ProfileService } from './profile/profile.service';
export * from './admin/admin.service';
export * from './admin/user-admin.module';
