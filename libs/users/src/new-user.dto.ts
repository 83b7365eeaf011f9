import { EmailField, NewPasswordField, TrigrammeField } from './user-fields';

/** A new account's fields, with the rules registration and the create-admin command share. */
export class NewUserDto {
  @EmailField()
  email!: string;

  @TrigrammeField()
  trigramme!: string;

  @NewPasswordField()
  password!: string;
}
