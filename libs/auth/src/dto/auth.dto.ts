import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength, ValidateIf } from 'class-validator';
import { NewUserDto, UserResponse } from '#users';

/** Sign-up: the fields and rules of any new account (Users' NewUserDto), named for the API document. */
export class RegisterDto extends NewUserDto {}

/**
 * JSON `{email|trigramme, password}`, or the OAuth2 password form
 * (`username` = email or trigramme) that Swagger's Authorize button sends.
 */
export class LoginDto {
  @ApiPropertyOptional({ description: 'Email or trigramme (OAuth2 form field).' })
  @ValidateIf((body: LoginDto) => !body.email && !body.trigramme)
  @IsString({ message: 'email, trigramme or username is required' })
  @MinLength(1)
  @MaxLength(254)
  username?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(254)
  email?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(3)
  trigramme?: string;

  @ApiProperty()
  @IsString()
  @MinLength(1)
  @MaxLength(128)
  password!: string;

  // Sent by OAuth2 clients with the form; accepted and ignored.
  @ApiPropertyOptional() @IsOptional() @IsString() grant_type?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() scope?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() client_id?: string;
  @ApiPropertyOptional() @IsOptional() @IsString() client_secret?: string;
}

export class TokenResponse {
  @ApiProperty() access_token!: string;
  @ApiProperty({ example: 'bearer' }) token_type!: 'bearer';
  @ApiProperty({ type: 'integer', description: 'Seconds until the token expires.' }) expires_in!: number;
  @ApiProperty({ type: UserResponse }) user!: UserResponse;
}
