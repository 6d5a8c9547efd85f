// Zod at the edge of the accounts API: sign-in, setup, users, keys and the audit trail.
import { z } from 'zod';
import { Role } from '../generated/prisma/enums.js';
import { CursorSchema, PcodeSchema } from '../lib/schemas.js';
import { PasswordSchema, PASSWORD_MAX } from './passwords.js';
import { E164_RE, normaliseEmail } from './login.js';

export const EmailSchema = z.email().max(254).transform(normaliseEmail);
const NameSchema = z.string().trim().min(1).max(100);
const PhoneSchema = z.string().trim().regex(E164_RE, 'must be an E.164 number such as +85512345678');
const ProvincesSchema = z.array(PcodeSchema).max(50).transform((p) => [...new Set(p)]);
const IdSchema = z.string().regex(/^\d{1,10}$/, 'must be a number').transform(Number).pipe(z.number().int().min(1).max(2_147_483_647));

export const SignInBodySchema = z.strictObject({
  login: z.string().trim().min(1).max(320).meta({ description: 'Email or E.164 phone number' }),
  // Not the policy's minimum: an old password must still be checkable; the maximum bounds the hashing work.
  password: z.string().min(1).max(PASSWORD_MAX),
});

export const ChangePasswordBodySchema = z.strictObject({
  currentPassword: z.string().min(1).max(PASSWORD_MAX),
  newPassword: PasswordSchema,
});

export const SetupBodySchema = z.strictObject({
  token: z.string().min(1).max(200),
  email: EmailSchema,
  name: NameSchema,
  password: PasswordSchema,
});

export const CreateUserBodySchema = z.strictObject({
  email: EmailSchema,
  name: NameSchema,
  role: z.enum(Role),
  phone: PhoneSchema.nullable().optional(),
  provinces: ProvincesSchema.optional(),
  password: PasswordSchema,
});
export type CreateUserBody = z.infer<typeof CreateUserBodySchema>;

export const UpdateUserBodySchema = z
  .strictObject({
    name: NameSchema.optional(),
    role: z.enum(Role).optional(),
    phone: PhoneSchema.nullable().optional(),
    provinces: ProvincesSchema.optional(),
    disabled: z.boolean().optional(),
  })
  .refine((b) => Object.values(b).some((v) => v !== undefined), { message: 'send at least one of name, role, phone, provinces, disabled' });
export type UpdateUserBody = z.infer<typeof UpdateUserBodySchema>;

export const ResetPasswordBodySchema = z.strictObject({ password: PasswordSchema });
export const UserIdSchema = z.strictObject({ id: IdSchema });

export const CreateKeyBodySchema = z.strictObject({ name: NameSchema, role: z.enum(Role) });
export const KeyIdSchema = z.strictObject({ id: IdSchema });

export const AuditQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: CursorSchema.optional(),
});
