// Console users from the command line, for recovering a locked-out admin with the service stopped:
//   npm run users -- reset-password --email E [--password-stdin]
//   npm run users -- create --role admin|educator|coordinator --email E --name N [--password-stdin]
// The password is read from stdin (--password-stdin, or whenever stdin is not a terminal) or asked for, hidden.
import { parseArgs } from 'node:util';
import { createInterface } from 'node:readline/promises';
import { Role } from '../src/generated/prisma/enums.js';
import { systemClock } from '../src/lib/clock.js';
import { isUniqueViolation } from '../src/lib/errors.js';
import { CreateUserBodySchema, EmailSchema } from '../src/accounts/accounts.schemas.js';
import { PasswordSchema } from '../src/accounts/passwords.js';
import { createUser, resetPassword } from '../src/accounts/users.service.js';
import type { ApiCaller } from '../src/auth/caller.js';
import { fail, withDatabase } from './cli.js';

const USAGE =
  'usage: npm run users -- reset-password --email E [--password-stdin]\n' +
  `       npm run users -- create --role ${Object.values(Role).join('|')} --email E --name N [--password-stdin]`;

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, 'password-stdin': { type: 'boolean' } },
});
const command = positionals[0];
if (command !== 'reset-password' && command !== 'create') fail(USAGE);
const email = EmailSchema.safeParse(values.email ?? '');
if (!email.success) fail(`--email must be an email address\n${USAGE}`);

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** Asks on the terminal without echoing what is typed. */
async function askHidden(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: true });
  let muted = false;
  (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s) => {
    if (!muted) process.stdout.write(s);
  };
  const answer = rl.question(question);
  muted = true;
  try {
    return await answer;
  } finally {
    rl.close();
    process.stdout.write('\n');
  }
}

async function readPassword(): Promise<string> {
  if (values['password-stdin'] || !process.stdin.isTTY) return readStdin();
  const first = await askHidden('New password (10–200 characters): ');
  if ((await askHidden('Again: ')) !== first) fail('The two passwords differ; nothing changed.');
  return first;
}

const caller: ApiCaller = { name: 'cli', requestId: 'cli', actorType: 'cli' };

// The database first: while the service holds the embedded one, say so before asking for anything.
await withDatabase(async (db) => {
  const password = PasswordSchema.safeParse(await readPassword());
  if (!password.success) fail(`The password ${password.error.issues[0]?.message ?? 'is not valid'}; nothing changed.`);
  const ctx = { prisma: db.prisma, clock: systemClock };
  if (command === 'reset-password') {
    const user = await db.prisma.user.findUnique({ where: { email: email.data } });
    if (!user) fail(`No user has the email ${email.data}.`);
    await resetPassword(ctx, user.id, password.data, caller);
    console.log(`Password of ${user.email} (${user.role}${user.disabledAt ? ', disabled' : ''}) reset; their sessions ended and their sign-in back-off is cleared.`);
    return;
  }
  const body = CreateUserBodySchema.safeParse({ email: email.data, name: values.name ?? '', role: values.role ?? '', password: password.data });
  if (!body.success) fail(`${body.error.issues.map((i) => `--${i.path.join('.')}: ${i.message}`).join('\n')}\n${USAGE}`);
  try {
    const user = await createUser(ctx, body.data, caller);
    console.log(`Created ${user.role} ${user.email} (#${user.id}); sign in at the console with this email and the password.`);
  } catch (err) {
    if (isUniqueViolation(err)) fail(`A user with the email ${email.data} exists already; use reset-password.`);
    throw err;
  }
});
