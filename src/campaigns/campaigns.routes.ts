// /api/campaigns: thin handlers over the campaign services (educator; admin passes every role check).
import { Router, type Request } from 'express';
import type { AppContext } from '../context.js';
import { requireRole } from '../auth/auth.middleware.js';
import { callerOf } from '../auth/caller.js';
import { jsonBody, requireContentType } from '../lib/http.js';
import { CampaignIdSchema, CreateCampaignBodySchema, ListCampaignsQuerySchema } from './campaigns.schemas.js';
import { getCampaign, listCampaigns } from './campaigns.service.js';
import { createCampaign } from './create-campaign.js';
import { previewCampaign } from './preview-campaign.js';
import { controlCampaign } from './campaign-controls.js';

const idOf = (req: Request) => CampaignIdSchema.parse(req.params).id;

export function createCampaignsRouter(ctx: AppContext) {
  const router = Router();
  router.use(requireRole('educator'));

  router.get('/', async (req, res) => {
    res.json(await listCampaigns(ctx, ListCampaignsQuerySchema.parse(req.query)));
  });

  router.post('/', requireContentType('application/json'), jsonBody(ctx.config), async (req, res) => {
    const body = CreateCampaignBodySchema.parse(req.body);
    res.status(201).json(await createCampaign(ctx, body, callerOf(req)));
  });

  router.get('/:id', async (req, res) => {
    res.json(await getCampaign(ctx, idOf(req)));
  });

  router.post('/:id/preview', async (req, res) => {
    res.json(await previewCampaign(ctx, idOf(req)));
  });

  for (const action of ['pause', 'resume', 'cancel', 'schedule'] as const) {
    router.post(`/:id/${action}`, async (req, res) => {
      res.json(await controlCampaign(ctx, idOf(req), action, callerOf(req)));
    });
  }

  return router;
}
