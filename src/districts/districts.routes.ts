// /api/districts: the gazetteer as a tree or a flat list with subscriber counts, the place-name matcher,
// the COD-AB CSV import and the GeoJSON boundary import.
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { requireRole } from '../auth/auth.middleware.js';
import { AppError } from '../lib/errors.js';
import { audit } from '../lib/audit.js';
import { csvBody, geoJsonBody, requireContentType } from '../lib/http.js';
import { importGazetteer } from './import-gazetteer.js';
import { importBoundaries } from './import-boundaries.js';
import { listUnits, unitTree } from './districts.service.js';

const LEVELS = ['province', 'district', 'commune', 'village'] as const;

export const DistrictsListQuerySchema = z.strictObject({
  level: z.enum(LEVELS).optional(),
  parent: z.string().regex(/^[A-Za-z0-9]{1,20}$/).optional(),
  depth: z.coerce.number().int().min(1).max(4).default(2),
});

export const DistrictsMatchQuerySchema = z.strictObject({
  q: z.string().trim().min(1).max(1600),
  level: z.enum(LEVELS).optional(),
});

export const DistrictsImportQuerySchema = z.strictObject({ country: z.string().regex(/^[A-Za-z]{2}$/).toUpperCase().default('KH') });
export const DistrictsBoundariesQuerySchema = z.strictObject({ source: z.string().trim().min(1).max(200).optional() });

export function createDistrictsRouter(ctx: AppContext) {
  const router = Router();

  router.get('/', async (req, res) => {
    const q = DistrictsListQuerySchema.parse(req.query);
    if (q.level || q.parent) {
      res.json({ data: await listUnits(ctx.prisma, { level: q.level, parent: q.parent }) });
    } else {
      res.json({ data: await unitTree(ctx.prisma, q.depth) });
    }
  });

  router.get('/match', async (req, res) => {
    const q = DistrictsMatchQuerySchema.parse(req.query);
    const matcher = await ctx.places.get();
    const candidates = matcher.candidates(q.q, { limit: 5, ...(q.level ? { levels: [q.level] } : {}) });
    res.json({ data: candidates });
  });

  router.post(
    '/import',
    requireRole(),
    requireContentType('text/csv', 'text/plain', 'application/csv'),
    csvBody(ctx.config),
    async (req, res) => {
      const { country } = DistrictsImportQuerySchema.parse(req.query);
      if (typeof req.body !== 'string' || req.body.trim() === '') {
        throw new AppError('validation_failed', 'The body must be a CSV file with a header row');
      }
      const result = await importGazetteer(ctx.prisma, req.body, { country });
      ctx.places.invalidate();
      await audit(ctx.prisma, {
        actor: req.auth!.name,
        actorType: req.auth!.userId === null ? 'api_key' : 'user',
        action: 'gazetteer.import',
        details: { country, units: result.units, created: result.created, updated: result.updated, errors: result.errors.length },
        requestId: req.id,
      });
      res.json(result);
    },
  );

  router.post(
    '/boundaries',
    requireRole(),
    requireContentType('application/geo+json', 'application/json'),
    geoJsonBody(ctx.config),
    async (req, res) => {
      const { source } = DistrictsBoundariesQuerySchema.parse(req.query);
      if (typeof req.body !== 'string' || req.body.trim() === '') {
        throw new AppError('validation_failed', 'The body must be a GeoJSON FeatureCollection (Content-Type application/geo+json)');
      }
      const result = await importBoundaries(ctx.prisma, req.body, { source });
      // Before answering, so the next report located after this response already uses the new polygons.
      await ctx.boundaries.reload();
      await audit(ctx.prisma, {
        actor: req.auth!.name,
        actorType: req.auth!.userId === null ? 'api_key' : 'user',
        action: 'gazetteer.import_boundaries',
        details: { source: source ?? null, imported: result.imported, created: result.created, updated: result.updated, errors: result.errors.length },
        requestId: req.id,
      });
      res.json(result);
    },
  );

  return router;
}
