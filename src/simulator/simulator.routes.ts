// /api/simulator: a phone for trainers. It posts to the service's own Twilio webhooks with valid signatures and
// reads what the real path wrote (inbound rows, the outbox); nothing inside the service is faked or skipped.
// Off in production unless SIMULATOR_ENABLED=true: then every route here answers 404, as if it did not exist.
import { randomBytes } from 'node:crypto';
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { AppError } from '../lib/errors.js';
import { jsonBody, requireContentType } from '../lib/http.js';
import { SimulatorCallBodySchema, SimulatorConversationQuerySchema, SimulatorSmsBodySchema } from './simulator.schemas.js';
import { postToWebhook, selfBaseUrl } from './post-webhook.js';
import { readConversation } from './conversation.js';
import { simulateCall } from './simulate-call.js';

/** The number villagers text and call when no Twilio sender is configured (the README's examples use it). */
export const DEV_HOTLINE = '+85523000000';

/** Made-up villagers in the demo provinces, one per language the service speaks. */
export const DEMO_VILLAGERS = [
  { phone: '+85512000201', label: 'Villager, Banteay Meanchey (Khmer)' },
  { phone: '+85512000202', label: 'Villager, Battambang (Khmer)' },
  { phone: '+8562055500101', label: 'Villager, Xieng Khouang (Lao)' },
  { phone: '+573105550101', label: 'Villager, Antioquia (Spanish)' },
  { phone: '+14155550101', label: 'Visitor (English)' },
] as const;

export const SimulatorInfoQuerySchema = z.strictObject({});

export function createSimulatorRouter(ctx: AppContext) {
  const router = Router();
  const hotline = ctx.config.twilio.from ?? DEV_HOTLINE;

  router.use((_req, _res, next) => {
    if (!ctx.config.simulatorEnabled) throw new AppError('not_found', 'The phone simulator is off (SIMULATOR_ENABLED)');
    next();
  });

  router.get('/', async (req, res) => {
    SimulatorInfoQuerySchema.parse(req.query);
    const contacts = await ctx.prisma.teamContact.findMany({
      where: { active: true, team: { active: true } },
      orderBy: [{ teamId: 'asc' }, { position: 'asc' }],
      take: 50,
      select: { phone: true, name: true, team: { select: { name: true } } },
    });
    res.json({
      enabled: true,
      hotline,
      numbers: [
        // A number is one person: a team contact's phone is shown as the team's, never as a villager's too.
        ...DEMO_VILLAGERS.filter((v) => !contacts.some((c) => c.phone === v.phone)).map((v) => ({ ...v, kind: 'villager' as const })),
        ...contacts.map((c) => ({ phone: c.phone, label: `${c.name} (${c.team.name})`, kind: 'team' as const })),
      ],
    });
  });

  router.post('/sms', requireContentType('application/json'), jsonBody(ctx.config), async (req, res) => {
    const body = SimulatorSmsBodySchema.parse(req.body);
    const messageSid = `SM${randomBytes(16).toString('hex')}`;
    await postToWebhook(ctx, {
      baseUrl: selfBaseUrl(req),
      path: '/webhooks/twilio/sms',
      params: { MessageSid: messageSid, From: body.from, To: hotline, Body: body.body, NumMedia: '0' },
    });
    res.status(202).json({ messageSid });
  });

  router.get('/conversation', async (req, res) => {
    const q = SimulatorConversationQuerySchema.parse(req.query);
    res.json(await readConversation(ctx.prisma, q));
  });

  router.post('/call', requireContentType('application/json'), jsonBody(ctx.config), async (req, res) => {
    const body = SimulatorCallBodySchema.parse(req.body);
    res.json(await simulateCall(ctx, { baseUrl: selfBaseUrl(req), hotline, body }));
  });

  return router;
}
