import { applyDecorators } from '@nestjs/common';
import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, Length, Matches, MaxLength, MinLength } from 'class-validator';

/** Emails are compared case-insensitively: stored trimmed and lower-case. */
export function normaliseEmail(email: string): string {
  return email.trim().toLowerCase();
}

export function EmailField() {
  return applyDecorators(
    ApiProperty({ example: 'marie.curie@example.org' }),
    Transform(({ value }) => (typeof value === 'string' ? normaliseEmail(value) : value)),
    IsString(),
    MaxLength(254),
    IsEmail({}, { message: 'email must be a valid email address' }),
  );
}

export function TrigrammeField() {
  return applyDecorators(
    ApiProperty({ example: 'MCU', description: 'Exactly three letters; stored upper-case.' }),
    Transform(({ value }) => (typeof value === 'string' ? value.trim().toUpperCase() : value)),
    IsString(),
    Length(3, 3, { message: 'trigramme must be exactly 3 letters' }),
    Matches(/^[A-Z]{3}$/, { message: 'trigramme must be exactly 3 letters' }),
  );
}

export function NewPasswordField() {
  return applyDecorators(
    ApiProperty({ minLength: 8, maxLength: 128 }),
    IsString(),
    MinLength(8),
    MaxLength(128),
  );
}
