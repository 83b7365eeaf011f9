import { ApiProperty } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { EmailField, NewPasswordField, TrigrammeField } from '../../user-fields';

export class UpdateMeDto {
  @EmailField()
  @IsOptional()
  email?: string;

  @TrigrammeField()
  @IsOptional()
  trigramme?: string;
}

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @MaxLength(128)
  current_password!: string;

  @NewPasswordField()
  new_password!: string;
}
