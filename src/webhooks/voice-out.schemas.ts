// The form posts of the calls we place (answer, menu) and of inbound calls' status callbacks. Like every
// Twilio post, each string is cleaned once here (cleanForm).
import { z } from 'zod';
import { cleanForm } from './twilio.schemas.js';

const SID = z.string().regex(/^[A-Za-z0-9_-]{10,64}$/);

/** ?o=<outbox id>, with the menu's progress: t = silences and wrong keys so far, r = replays so far. */
export const OutboundCallQuerySchema = z.object({
  o: z.coerce.number().int().positive().max(2 ** 31 - 1),
  t: z.coerce.number().int().min(0).max(10).default(0),
  r: z.coerce.number().int().min(0).max(10).default(0),
});

export const OutboundCallSchema = z.preprocess(
  cleanForm,
  z.looseObject({
    CallSid: SID,
    AnsweredBy: z.string().max(40).optional(),
    // One key (numDigits=1); silence posts an empty Digits, or none at all.
    Digits: z.string().max(20).default(''),
  }),
);

export const InboundCallStatusSchema = z.preprocess(
  cleanForm,
  z.looseObject({
    CallSid: SID,
    CallStatus: z.string().min(1).max(40),
    From: z.string().trim().max(64).default(''),
    To: z.string().trim().max(64).default(''),
    // Seconds; absent or empty until the call completes.
    CallDuration: z.coerce.number().int().min(0).optional().catch(undefined),
    Direction: z.string().max(40).optional(),
  }),
);
