import { z } from 'zod';
import { cleanText } from '../lib/text.js';

// Form fields longer than this are cut, never refused (Twilio's own limits are far lower: a body is at most
// 1,600 characters): a villager's message is stored whatever it holds.
const MAX_FIELD_CHARS = 10_000;
const MAX_MEDIA = 10;
const MAX_URL_CHARS = 2000;

/**
 * Every string field of a Twilio form post goes through cleanText once, here at the edge: a NUL, a
 * noncharacter or a broken surrogate in any field (Body, From, MediaUrl0, fields we do not know yet) is
 * removed, so nothing after this can fail on it. MediaUrl{N} that is not an http(s) URL after cleaning is
 * dropped. The signature was checked before, over the raw values Twilio signed.
 */
export function cleanForm(raw: unknown): unknown {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw as Record<string, unknown>)) {
    if (key === '__proto__') continue;
    const v = typeof value === 'string' ? cleanText(value, MAX_FIELD_CHARS) : value;
    if (/^MediaUrl\d+$/.test(key)) {
      const url = typeof v === 'string' ? mediaUrl(v) : null;
      if (url) out[key] = url;
      continue;
    }
    out[cleanText(key, 100)] = v;
  }
  return out;
}

function mediaUrl(value: string): string | null {
  const s = value.trim();
  if (s.length > MAX_URL_CHARS || !/^https?:\/\//i.test(s) || !URL.canParse(s)) return null;
  return s;
}

/**
 * Advanced Opt-Out: Twilio has already answered STOP/START/HELP itself and tells us which one it was.
 * A value we do not know is ignored rather than refused (refusing would lose the message).
 */
export const OptOutTypeSchema = z
  .preprocess((v) => (typeof v === 'string' ? v.trim().toUpperCase() : v), z.enum(['STOP', 'START', 'HELP']))
  .optional()
  .catch(undefined);
export type OptOutType = NonNullable<z.infer<typeof OptOutTypeSchema>>;

export const InboundSmsSchema = z.preprocess(
  cleanForm,
  z.looseObject({
    MessageSid: z.string().regex(/^[A-Za-z0-9_-]{10,64}$/, 'must be a Twilio message SID'),
    From: z.string().trim().min(1).max(64),
    To: z.string().trim().min(1).max(64),
    Body: z.string().default(''),
    NumMedia: z.coerce.number().int().min(0).max(20).default(0),
    AccountSid: z.string().max(64).optional(),
    OptOutType: OptOutTypeSchema,
  }),
);

export type InboundSmsBody = z.infer<typeof InboundSmsSchema>;

/** The media URLs of a cleaned inbound post (InboundSmsSchema has dropped any that is not an http(s) URL). */
export function mediaUrlsOf(body: Record<string, unknown>, count: number): string[] {
  const urls: string[] = [];
  for (let i = 0; i < Math.min(count, MAX_MEDIA); i++) {
    const raw = body[`MediaUrl${i}`];
    const url = typeof raw === 'string' ? mediaUrl(raw) : null;
    if (url) urls.push(url);
  }
  return urls;
}

const SID = z.string().regex(/^[A-Za-z0-9_-]{10,64}$/);

// Twilio posts the same endpoint for messages (MessageSid/MessageStatus) and calls (CallSid/CallStatus).
export const StatusCallbackSchema = z.preprocess(
  cleanForm,
  z
    .looseObject({
      MessageSid: SID.optional(),
      MessageStatus: z.string().max(40).optional(),
      CallSid: SID.optional(),
      CallStatus: z.string().max(40).optional(),
      ErrorCode: z.string().regex(/^\d{1,6}$/).optional().or(z.literal('').transform(() => undefined)),
      // Calls with answering-machine detection: human, machine_start, machine_end_beep, fax, unknown…
      AnsweredBy: z.string().max(40).optional(),
    })
    .refine((b) => (b.MessageSid && b.MessageStatus) || (b.CallSid && b.CallStatus), {
      message: 'needs MessageSid and MessageStatus, or CallSid and CallStatus',
    }),
);

export const StatusCallbackQuerySchema = z.object({ o: z.coerce.number().int().positive().max(2 ** 31 - 1).optional() });

// ───── voice hotline (src/ivr/) ─────

const optionalText = (max: number) => z.string().max(max).optional().or(z.literal('').transform(() => undefined));

/** What Twilio posts to the hotline's voice URLs: the call, a key press, a finished <Record>. */
export const VoiceCallSchema = z.preprocess(
  cleanForm,
  z.looseObject({
    CallSid: SID,
    From: z.string().trim().min(1).max(64),
    To: z.string().trim().max(64).default(''),
    CallStatus: optionalText(40),
    // `outbound-api` on a call we placed (the missed-call callback): then the villager is To, not From.
    Direction: optionalText(40),
    // One key is all a menu reads; a longer value (a fast caller) is cut there, never refused.
    Digits: z.string().max(64).optional(),
    AccountSid: z.string().max(64).optional(),
    RecordingUrl: z.string().optional().transform((v) => (v ? (mediaUrl(v) ?? undefined) : undefined)),
    RecordingSid: SID.optional().or(z.literal('').transform(() => undefined)),
    RecordingDuration: z.coerce.number().int().min(-1).max(86_400).optional().catch(undefined),
    RecordingStatus: optionalText(40),
  }),
);
export type VoiceCallBody = z.infer<typeof VoiceCallSchema>;

/** /voice/step?s=<step>&t=<turn>: the step is for logs and readers, the turn makes retries idempotent. */
export const VoiceStepQuerySchema = z.object({
  s: z.string().regex(/^[a-z.]{1,40}$/).optional().catch(undefined),
  t: z.coerce.number().int().min(0).max(100_000),
});
