import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';

/** The single sign-on button: what it says, and where it starts. */
export class OidcProviderInfo {
  @ApiProperty({ example: 'Acme SSO', description: 'OIDC_DISPLAY_NAME.' }) name!: string;
  @ApiProperty({ example: '/api/auth/oidc/login', description: 'Send the browser here (a full-page navigation) to sign in.' }) login_url!: string;
}

/** How one may sign in here, for the frontend's sign-in page. */
export class AuthProvidersResponse {
  @ApiProperty({ description: 'POST /api/auth/login accepts a password (false: PASSWORD_LOGIN=false).' }) password!: boolean;
  @ApiProperty({ description: 'POST /api/auth/register is open.' }) registration!: boolean;
  @ApiProperty({ type: OidcProviderInfo, nullable: true, description: 'Single sign-on, when configured.' }) oidc!: OidcProviderInfo | null;
}

export class ExchangeLoginCodeDto {
  @ApiProperty({ description: 'The `login_code` of the fragment the callback redirected to.' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  code!: string;
}

export class OidcLogoutResponse {
  @ApiProperty({
    type: String,
    nullable: true,
    description: "Send the browser here to end the provider's session too (RP-initiated logout); null when this session was not a single sign-on or the provider has no end-session endpoint.",
  })
  end_session_url!: string | null;
}
