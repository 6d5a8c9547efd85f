// GET /r/<token>: the short link in a voice report's alert. Redirects to the caller's recording once Twilio
// has it; before that (the alert can go out while the caller is still speaking) a 404 says to try again.
// The token is 96 random bits, made per call; the link is as private as the alert SMS that carries it.
import { Router } from 'express';
import type { AppContext } from '../context.js';
import { recordingTarget } from './call-events.js';

export function createRecordingLinkRouter(ctx: AppContext) {
  const router = Router();
  router.get('/:token', async (req, res) => {
    const target = await recordingTarget(ctx, req.params.token);
    res.set('Cache-Control', 'no-store').set('Referrer-Policy', 'no-referrer');
    if (!target) {
      res.status(404).type('text/plain').send('The recording is not available (yet). Try again in a few minutes.\n');
      return;
    }
    res.redirect(302, target);
  });
  return router;
}
