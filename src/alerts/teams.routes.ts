// /api/teams (coordinators): clearance teams, their coverage by P-code and their on-call contacts.
import { Router } from 'express';
import type { AppContext } from '../context.js';
import { requireRole } from '../auth/auth.middleware.js';
import { callerOf } from '../auth/caller.js';
import { jsonBody, requireContentType } from '../lib/http.js';
import { CreateTeamBodySchema, ListTeamsQuerySchema, TeamIdSchema, UpdateTeamBodySchema } from './teams.schemas.js';
import { createTeam, deactivateTeam, getTeam, listTeams, updateTeam } from './teams.service.js';

export function createTeamsRouter(ctx: AppContext) {
  const router = Router();
  router.use(requireRole('coordinator'));

  router.get('/', async (req, res) => {
    res.json(await listTeams(ctx, ListTeamsQuerySchema.parse(req.query)));
  });

  router.get('/:id', async (req, res) => {
    const { id } = TeamIdSchema.parse(req.params);
    res.json(await getTeam(ctx, id));
  });

  router.post('/', requireContentType('application/json'), jsonBody(ctx.config), async (req, res) => {
    const body = CreateTeamBodySchema.parse(req.body);
    res.status(201).json(await createTeam(ctx, body, callerOf(req)));
  });

  router.patch('/:id', requireContentType('application/json'), jsonBody(ctx.config), async (req, res) => {
    const { id } = TeamIdSchema.parse(req.params);
    const body = UpdateTeamBodySchema.parse(req.body);
    res.json(await updateTeam(ctx, id, body, callerOf(req)));
  });

  router.delete('/:id', async (req, res) => {
    const { id } = TeamIdSchema.parse(req.params);
    await deactivateTeam(ctx, id, callerOf(req));
    res.status(204).end();
  });

  return router;
}
