// /api/victims: casualty records, consent, the service directory, referrals, follow-ups, tasks (the
// victim_assistance role and admins); the de-identified needs list, statistics and referral outcomes
// (coordinators too). Thin handlers: zod at the edge, services do the work.
import { Router } from 'express';
import type { AppContext } from '../context.js';
import { requireRole } from '../auth/auth.middleware.js';
import { callerOf } from '../auth/caller.js';
import { jsonBody, requireContentType } from '../lib/http.js';
import * as s from './victims.schemas.js';
import { createCasualty, getCasualty, listCasualties, updateCasualty } from './casualties.service.js';
import { recordConsent, withdrawConsent } from './consents.service.js';
import { createProvider, listProviders, updateProvider } from './providers.service.js';
import { changeReferralStatus, createReferral, getReferral, listReferrals } from './referrals.service.js';
import { closeTask, listFollowUps, listTasks } from './tasks.service.js';
import { eraseCasualty } from './erase.js';
import { casualtyStats, statsCsv } from './stats.js';
import { imsmaCsv, imsmaExport, referralOutcomes } from './exports.js';
import { listNeeds } from './needs.js';
import { seesIdentifying } from './access.js';

export function createVictimsRouter(ctx: AppContext) {
  const router = Router();
  const json = [requireContentType('application/json'), jsonBody(ctx.config)];
  const va = requireRole('victim_assistance');
  const anyVa = requireRole('victim_assistance', 'coordinator');

  // De-identified: coordinators see counts and needs.
  router.get('/needs', anyVa, async (req, res) => {
    res.json(await listNeeds(ctx, s.StatsQuerySchema.pick({ province: true }).parse(req.query), req.auth?.provinces ?? []));
  });
  router.get('/stats', anyVa, async (req, res) => {
    res.json(await casualtyStats(ctx, s.StatsQuerySchema.parse(req.query), { suppress: !seesIdentifying(req.auth?.role) }));
  });
  router.get('/stats.csv', anyVa, async (req, res) => {
    const stats = await casualtyStats(ctx, s.StatsQuerySchema.parse(req.query), { suppress: !seesIdentifying(req.auth?.role) });
    res.type('text/csv; charset=utf-8').attachment('casualty-statistics.csv').send(statsCsv(stats.data));
  });
  router.get('/referral-outcomes', anyVa, async (_req, res) => {
    res.json(await referralOutcomes(ctx));
  });
  router.get('/providers', anyVa, async (req, res) => {
    res.json(await listProviders(ctx, s.ListProvidersQuerySchema.parse(req.query)));
  });

  // Identifying: the victim-assistance role (and admins) only.
  router.get('/export/imsma', va, async (req, res) => {
    const { format } = s.ImsmaExportQuerySchema.parse(req.query);
    const out = await imsmaExport(ctx);
    if (format === 'csv') res.type('text/csv; charset=utf-8').attachment('imsma-accidents-victims.csv').send(imsmaCsv(out.flat));
    else res.json({ accidents: out.accidents, fieldMap: out.fieldMap });
  });
  router.post('/providers', va, ...json, async (req, res) => {
    res.status(201).json(await createProvider(ctx, s.CreateProviderBodySchema.parse(req.body), callerOf(req)));
  });
  router.patch('/providers/:id', va, ...json, async (req, res) => {
    const { id } = s.IdParamSchema.parse(req.params);
    res.json(await updateProvider(ctx, id, s.UpdateProviderBodySchema.parse(req.body), callerOf(req)));
  });

  router.get('/casualties', va, async (req, res) => {
    res.json(await listCasualties(ctx, s.ListCasualtiesQuerySchema.parse(req.query)));
  });
  router.post('/casualties', va, ...json, async (req, res) => {
    res.status(201).json(await createCasualty(ctx, s.CreateCasualtyBodySchema.parse(req.body), callerOf(req)));
  });
  router.get('/casualties/:id', va, async (req, res) => {
    res.json(await getCasualty(ctx, s.IdParamSchema.parse(req.params).id));
  });
  router.patch('/casualties/:id', va, ...json, async (req, res) => {
    const { id } = s.IdParamSchema.parse(req.params);
    res.json(await updateCasualty(ctx, id, s.UpdateCasualtyBodySchema.parse(req.body), callerOf(req)));
  });
  router.post('/casualties/:id/erase', va, async (req, res) => {
    res.json(await eraseCasualty(ctx, s.IdParamSchema.parse(req.params).id, callerOf(req)));
  });
  router.post('/casualties/:id/consents', va, ...json, async (req, res) => {
    const { id } = s.IdParamSchema.parse(req.params);
    res.status(201).json(await recordConsent(ctx, id, s.CreateConsentBodySchema.parse(req.body), callerOf(req)));
  });
  router.post('/consents/:id/withdraw', va, ...json, async (req, res) => {
    const { id } = s.IdParamSchema.parse(req.params);
    res.json(await withdrawConsent(ctx, id, s.WithdrawConsentBodySchema.parse(req.body ?? {}).notes, callerOf(req)));
  });

  router.get('/referrals', va, async (req, res) => {
    res.json(await listReferrals(ctx, s.ListReferralsQuerySchema.parse(req.query)));
  });
  router.post('/referrals', va, ...json, async (req, res) => {
    res.status(201).json(await createReferral(ctx, s.CreateReferralBodySchema.parse(req.body), callerOf(req)));
  });
  router.get('/referrals/:id', va, async (req, res) => {
    res.json(await getReferral(ctx, s.IdParamSchema.parse(req.params).id));
  });
  router.post('/referrals/:id/status', va, ...json, async (req, res) => {
    const { id } = s.IdParamSchema.parse(req.params);
    res.json(await changeReferralStatus(ctx, id, s.ReferralStatusBodySchema.parse(req.body), callerOf(req)));
  });

  router.get('/follow-ups', va, async (req, res) => {
    res.json(await listFollowUps(ctx, s.ListFollowUpsQuerySchema.parse(req.query)));
  });
  router.get('/tasks', va, async (req, res) => {
    res.json(await listTasks(ctx, s.ListTasksQuerySchema.parse(req.query)));
  });
  router.post('/tasks/:id/close', va, ...json, async (req, res) => {
    const { id } = s.IdParamSchema.parse(req.params);
    res.json(await closeTask(ctx, id, s.CloseTaskBodySchema.parse(req.body ?? {}).note, callerOf(req)));
  });

  return router;
}
