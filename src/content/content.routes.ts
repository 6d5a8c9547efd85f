// GET /api/content: the risk-education library for the console's Content page and campaign builder.
import { Router } from 'express';
import { z } from 'zod';
import type { AppContext } from '../context.js';
import { requireRole } from '../auth/auth.middleware.js';
import { AppError } from '../lib/errors.js';
import { readContentLibrary, type ContentLibrary } from './library.js';
import { contentView, type ContentView } from './library-view.js';

export const ContentListQuerySchema = z.strictObject({});

export function createContentRouter(ctx: AppContext) {
  const router = Router();
  // Built on first use and kept: the files change only with a deploy.
  let cached: ContentView[] | null = null;

  router.get('/', requireRole('educator', 'coordinator'), (req, res) => {
    ContentListQuerySchema.parse(req.query);
    if (!cached) {
      const { library, problems } = readContentLibrary();
      if (problems.length > 0) ctx.log.warn({ problems: problems.length }, 'content library has problems (npm run content:check)');
      if (library.messages.length === 0) throw new AppError('unavailable', 'The content library could not be loaded; see the server log');
      cached = contentView(library as ContentLibrary, ctx.i18n.resources, { hotline: ctx.config.campaigns.hotline });
    }
    res.json({ data: cached });
  });

  return router;
}
