// The request path of an inbound SMS: one statement. Twilio retries webhooks, so the MessageSid is the
// idempotency key: a retry inserts nothing and gets the same empty answer. Everything else (keywords, reports,
// replies) is the inbound worker's, so a burst of messages never slows the webhook and a crash loses nothing:
// what Twilio got a 200 for is on disk.
import type { Database } from '../lib/db.js';
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
  database: Pick<Database, 'withSession'>,
  msg: InboundSms,
  opts: { defaultCountry: string; now: Date },
): Promise<{ stored: boolean }> {
  // Keep the sender as given when it is not a phone number we understand (short codes, alphanumeric).
  const fromPhone = normalizePhone(msg.from, opts.defaultCountry) ?? cleanText(msg.from);
  const mediaUrls = JSON.stringify(msg.mediaUrls);
  // On the driver's session directly, not through Prisma: this is the webhook's one statement, and Prisma's
  // engine costs several times the driver's CPU per query (measured: ~0.3 ms against ~0.05 ms).
  const rows = await database.withSession((s) =>
    s.query<{ id: number }>(
      `INSERT INTO inbound_messages (message_sid, from_phone, to_phone, body, num_media, media_urls, opt_out_type,
         received_at, next_attempt_at)
       VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8, now())
       ON CONFLICT (message_sid) DO NOTHING
       RETURNING id`,
      [msg.messageSid, fromPhone, cleanText(msg.to), cleanText(msg.body), msg.mediaUrls.length, mediaUrls, msg.optOutType ?? null, opts.now],
    ),
  );
  const inserted = rows.length;
  return { stored: inserted > 0 };
}
