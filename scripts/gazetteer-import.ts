// npm run gazetteer:import -- FILE.csv [--country KH]: import a COD-AB style gazetteer (idempotent).
import { readFileSync, existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { importGazetteer } from '../src/districts/import-gazetteer.js';
import { audit } from '../src/lib/audit.js';
import { fail, withDatabase } from './cli.js';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { country: { type: 'string', default: 'KH' } } });
const file = positionals[0];
if (!file || !existsSync(file)) fail('usage: npm run gazetteer:import -- FILE.csv [--country KH]');
const country = values.country!.toUpperCase();
if (!/^[A-Z]{2}$/.test(country)) fail('--country must be a two-letter ISO code');

await withDatabase(async (db) => {
  const started = Date.now();
  const result = await importGazetteer(db.prisma, readFileSync(file), { country });
  await audit(db.prisma, {
    actor: 'cli', actorType: 'cli', action: 'gazetteer.import',
    details: { file, country, units: result.units, created: result.created, updated: result.updated, errors: result.errors.length },
  });
  console.log(
    `${result.units} units (${Object.entries(result.byLevel).map(([l, n]) => `${n} ${l}`).join(', ')}): ` +
      `${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged in ${Date.now() - started} ms`,
  );
  for (const e of result.errors.slice(0, 50)) console.log(`  row ${e.row}${e.column ? ` (${e.column})` : ''}: ${e.reason}`);
  if (result.errors.length > 50) console.log(`  … and ${result.errors.length - 50} more row errors`);
  if (result.errors.length > 0) process.exitCode = 1;
});
