// Demo data for `npm start` on a fresh machine: the north-west Cambodian districts shipped in
// prisma/demo/gazetteer.csv, their boundary polygons (prisma/demo/boundaries.geojson: geoBoundaries gbOpen,
// CC BY 4.0, see prisma/demo/README.md) and one clearance team covering them, so every flow can be tried at
// once. Runs only when the tables are empty, so it never overwrites an operator's data.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Db } from '../lib/db.js';
import type { Logger } from '../lib/logger.js';
import { importGazetteer } from '../districts/import-gazetteer.js';
import { importBoundaries } from '../districts/import-boundaries.js';
import { AppError } from '../lib/errors.js';

export const DEMO_GAZETTEER = fileURLToPath(new URL('../../prisma/demo/gazetteer.csv', import.meta.url));
export const DEMO_BOUNDARIES = fileURLToPath(new URL('../../prisma/demo/boundaries.geojson', import.meta.url));
export const DEMO_BOUNDARIES_SOURCE = 'geoBoundaries gbOpen (CC BY 4.0), demo provinces';
export const DEMO_PROVINCES = ['01', '02', '13', '22', '24'];

export async function seedDemo(prisma: Db, log: Logger): Promise<void> {
  if ((await prisma.adminUnit.count()) === 0) {
    const result = await importGazetteer(prisma, readFileSync(DEMO_GAZETTEER), { country: 'KH' });
    log.info({ units: result.units, byLevel: result.byLevel }, 'demo gazetteer imported');
  }
  if ((await prisma.adminBoundary.count()) === 0) await seedDemoBoundaries(prisma, log);
  if ((await prisma.clearanceTeam.count()) === 0) {
    const provinces = await prisma.adminUnit.findMany({ where: { pcode: { in: DEMO_PROVINCES } }, select: { pcode: true } });
    await prisma.clearanceTeam.create({
      data: {
        name: 'Demo clearance team (north-west)',
        organisation: 'Demo',
        isFallback: true,
        coverages: { create: provinces.map((p) => ({ pcode: p.pcode })) },
        contacts: {
          create: [
            { name: 'Demo team leader', phone: '+85512000101', language: 'km', position: 0 },
            { name: 'Demo deputy', phone: '+85512000102', language: 'en', position: 1 },
          ],
        },
      },
    });
    log.info('demo clearance team created (fake phone numbers; the dev transport sends nothing)');
  }
  if ((await prisma.vaServiceProvider.count()) === 0) {
    await prisma.vaServiceProvider.createMany({ data: DEMO_PROVIDERS });
    log.info({ providers: DEMO_PROVIDERS.length }, 'demo victim-assistance providers created (marked demo; fake phone numbers)');
  }
}

const DEMO_NOTE = 'Demo data: confirm the name, phone, services and opening hours with the centre and the national authority (CMAA) before referring anyone.';

/**
 * Provincial physical rehabilitation centres of the kind Handicap International (Humanity & Inclusion) has
 * supported in Cambodia, for trying referrals. Every one is marked demo, with fake phone numbers.
 */
export const DEMO_PROVIDERS = [
  { name: 'Physical Rehabilitation Centre, Kampong Cham (demo)', organisation: 'Humanity & Inclusion (demo)', provincePcode: '03', serviceType: 'physical_rehabilitation', phone: '+85512000301', language: 'km', openingHours: 'Mon–Fri 07:30–11:30, 14:00–17:00', demo: true, notes: DEMO_NOTE },
  { name: 'Physical Rehabilitation Centre, Tbong Khmum (demo)', organisation: 'Humanity & Inclusion (demo)', provincePcode: '25', serviceType: 'physical_rehabilitation', phone: '+85512000302', language: 'km', openingHours: 'Mon–Fri 07:30–11:30, 14:00–17:00', demo: true, notes: DEMO_NOTE },
  { name: 'Physical Rehabilitation Centre, Battambang (demo)', organisation: 'Battambang PRC (demo)', provincePcode: '02', serviceType: 'physical_rehabilitation', phone: '+85512000303', language: 'km', openingHours: 'Mon–Fri 07:30–11:30, 14:00–17:00', demo: true, notes: DEMO_NOTE },
  { name: 'Provincial Referral Hospital, Banteay Meanchey (demo)', organisation: 'Provincial Health Department (demo)', provincePcode: '01', serviceType: 'emergency_medical', phone: '+85512000304', language: 'km', openingHours: '24 hours', demo: true, notes: DEMO_NOTE },
];

// Also on an install that has the demo gazetteer from before boundaries existed. The P-codes are real, so an
// operator's own Cambodian gazetteer takes them too; one of another country takes none, and that is no error.
async function seedDemoBoundaries(prisma: Db, log: Logger) {
  try {
    const result = await importBoundaries(prisma, readFileSync(DEMO_BOUNDARIES), { source: DEMO_BOUNDARIES_SOURCE });
    log.info({ imported: result.imported, skipped: result.errors.length }, 'demo district boundaries imported');
  } catch (err) {
    if (!(err instanceof AppError && err.code === 'unprocessable')) throw err;
    log.info('demo district boundaries skipped: the gazetteer has none of their P-codes');
  }
}
