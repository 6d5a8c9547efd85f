// Twilio signs each webhook with the auth token over the public URL and the POST parameters. We check it
// against PUBLIC_BASE_URL (the URL Twilio was given), never against Host headers, which a proxy or an
// attacker controls.
import type { RequestHandler } from 'express';
import { AppError } from '../lib/errors.js';
import type { AppContext } from '../context.js';
import { isValidTwilioSignature } from '../messaging/webhook-signature.js';

export function verifyTwilioSignature(ctx: Pick<AppContext, 'config' | 'log'>): RequestHandler {
  let warned = false;
  return (req, _res, next) => {
    const token = ctx.config.twilio.authToken;
    if (!token) {
      // Production cannot start without a token (config.ts); development accepts unsigned posts, loudly once.
      if (!warned) {
        ctx.log.warn('TWILIO_AUTH_TOKEN is not set: accepting unsigned Twilio webhooks (development only)');
        warned = true;
      }
      return next();
    }
    const signature = req.get('x-twilio-signature');
    const url = `${ctx.config.publicBaseUrl}${req.originalUrl}`;
    const params = (req.body ?? {}) as Record<string, string>;
    if (!signature || !isValidTwilioSignature({ authToken: token, signature, url, params })) {
      req.log?.warn({ path: req.path, signed: Boolean(signature) }, 'rejected Twilio webhook with a bad signature');
      throw new AppError('invalid_signature', 'The X-Twilio-Signature header is missing or does not match');
    }
    // A valid signature over another account's post (a reused or shared auth token, a number moved between
    // accounts) is still not for us: with our account configured, the posted AccountSid must be it.
    const ours = ctx.config.twilio.accountSid;
    const posted = params.AccountSid;
    if (ours && typeof posted === 'string' && posted.toLowerCase() !== ours.toLowerCase()) {
      req.log?.warn({ path: req.path, accountSid: maskSid(posted) }, 'rejected Twilio webhook for another account');
      throw new AppError('forbidden', 'The AccountSid of this webhook is not ours');
    }
    next();
  };
}

/** `AC12…cdef`: enough to tell accounts apart in a log, not the whole identifier. */
function maskSid(sid: string): string {
  const clean = sid.replace(/[^A-Za-z0-9]/g, '').slice(0, 64);
  return clean.length <= 8 ? '****' : `${clean.slice(0, 4)}…${clean.slice(-4)}`;
}
