// The request path of an inbound SMS: one statement. Twilio retries webhooks, so the MessageSid is the
// idempotency key: a retry inserts nothing and gets the same empty answer. Everything else (keywords, reports,
// replies) is the inbound worker's, so a burst of messages never slows the webhook and a crash loses nothing:
// what Twilio got a 200 for is on disk.
import type { Db } from '../lib/db.js';
import { cleanText } from '../lib/text.js';
import { normalizePhone } from '../subscribers/phone.js';

export interface InboundSms {
  messageSid: string;
  from: string;
  to: string;
  body: string;
  mediaUrls: string[];
  /** Twilio's Advanced Opt-Out already answered STOP/START/HELP for us. */
  optOutType?: string | null | undefined;
}

export async function storeInbound(
  prisma: Db,
  msg: InboundSms,
  opts: { defaultCountry: string; now: Date },
): Promise<{ stored: boolean }> {
  // Keep the sender as given when it is not a phone number we understand (short codes, alphanumeric).
  const fromPhone = normalizePhone(msg.from, opts.defaultCountry) ?? cleanText(msg.from);
  const mediaUrls = JSON.stringify(msg.mediaUrls);
  const inserted = await prisma.$executeRaw`
    INSERT INTO inbound_messages (message_sid, from_phone, to_phone, body, num_media, media_urls, opt_out_type,
      received_at, next_attempt_at)
    VALUES (${msg.messageSid}, ${fromPhone}, ${cleanText(msg.to)}, ${cleanText(msg.body)}, ${msg.mediaUrls.length},
      ${mediaUrls}::jsonb, ${msg.optOutType ?? null}, ${opts.now}, now())
    ON CONFLICT (message_sid) DO NOTHING`;
  return { stored: inserted > 0 };
}
