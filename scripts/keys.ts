// npm run keys -- create --role admin|educator|coordinator --name "Ops laptop"
// npm run keys -- list | revoke --id N
import { parseArgs } from 'node:util';
import { createApiKey, listApiKeys, revokeApiKey, ROLES } from '../src/auth/api-keys.js';
import { audit } from '../src/lib/audit.js';
import { fail, withDatabase } from './cli.js';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { role: { type: 'string' }, name: { type: 'string' }, id: { type: 'string' } },
});
const command = positionals[0];

await withDatabase(async (db) => {
  if (command === 'create') {
    const role = values.role as (typeof ROLES)[number];
    if (!ROLES.includes(role)) fail(`--role must be one of ${ROLES.join(', ')}`);
    const name = values.name?.trim();
    if (!name || name.length > 100) fail('--name is required (at most 100 characters)');
    const key = await createApiKey(db.prisma, { name, role });
    await audit(db.prisma, { actor: 'cli', actorType: 'cli', action: 'api_key.create', entity: 'api_key', entityId: key.id, details: { name, role } });
    console.log(`Created ${role} key #${key.id} "${name}". It is shown only now; store it safely:\n\n${key.secret}\n`);
  } else if (command === 'list') {
    console.table(await listApiKeys(db.prisma));
  } else if (command === 'revoke') {
    const id = Number(values.id);
    if (!Number.isInteger(id)) fail('--id N is required');
    await revokeApiKey(db.prisma, id, new Date());
    await audit(db.prisma, { actor: 'cli', actorType: 'cli', action: 'api_key.revoke', entity: 'api_key', entityId: id });
    console.log(`Revoked key #${id}`);
  } else {
    fail('usage: npm run keys -- create --role admin|educator|coordinator --name NAME | list | revoke --id N');
  }
});
