// npm run gazetteer:import-boundaries -- FILE.geojson [--source TEXT]: import district (ADM2_PCODE) or commune
// (ADM3_PCODE) boundary polygons (idempotent: a re-import replaces each unit's polygon). Running servers pick
// the new polygons up within REFRESH_CHECK_MS (30 s).
import { readFileSync, existsSync } from 'node:fs';
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { importBoundaries } from '../src/districts/import-boundaries.js';
import { AppError } from '../src/lib/errors.js';
import { audit } from '../src/lib/audit.js';
import { fail, withDatabase } from './cli.js';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { source: { type: 'string' } } });
const file = positionals[0];
if (!file || !existsSync(file)) fail('usage: npm run gazetteer:import-boundaries -- FILE.geojson [--source "geoBoundaries gbOpen, CC BY 4.0"]');
const source = values.source ?? basename(file);

await withDatabase(async (db) => {
  const started = Date.now();
  let result;
  try {
    result = await importBoundaries(db.prisma, readFileSync(file), { source });
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    console.error(err.message);
    for (const e of Array.isArray(err.details) ? (err.details as { row?: number; reason?: string; message?: string }[]).slice(0, 50) : []) {
      console.error(`  ${e.row ? `feature ${e.row}: ` : ''}${e.reason ?? e.message ?? ''}`);
    }
    process.exitCode = 1;
    return;
  }
  await audit(db.prisma, {
    actor: 'cli', actorType: 'cli', action: 'gazetteer.import_boundaries',
    details: { file, source, imported: result.imported, created: result.created, updated: result.updated, errors: result.errors.length },
  });
  console.log(
    `${result.imported} of ${result.features} boundaries (${Object.entries(result.byLevel).map(([l, n]) => `${n} ${l}`).join(', ')}): ` +
      `${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged in ${Date.now() - started} ms`,
  );
  for (const e of result.errors.slice(0, 50)) console.log(`  feature ${e.row}${e.pcode ? ` (${e.pcode})` : ''}: ${e.reason}`);
  if (result.errors.length > 50) console.log(`  … and ${result.errors.length - 50} more row errors`);
  if (result.errors.length > 0) process.exitCode = 1;
});
