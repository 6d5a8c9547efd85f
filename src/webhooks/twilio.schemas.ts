import { z } from 'zod';

// Twilio's own limits are far lower; these only stop abuse before anything is stored.
export const InboundSmsSchema = z.looseObject({
  MessageSid: z.string().regex(/^[A-Za-z0-9_-]{10,64}$/, 'must be a Twilio message SID'),
  From: z.string().trim().min(1).max(64),
  To: z.string().trim().min(1).max(64),
  Body: z.string().max(10_000).default(''),
  NumMedia: z.coerce.number().int().min(0).max(20).default(0),
});

export type InboundSmsBody = z.infer<typeof InboundSmsSchema>;

export function mediaUrlsOf(body: Record<string, unknown>, count: number): string[] {
  const urls: string[] = [];
  for (let i = 0; i < Math.min(count, 10); i++) {
    const url = body[`MediaUrl${i}`];
    if (typeof url === 'string' && /^https?:\/\//.test(url) && url.length <= 2000) urls.push(url);
  }
  return urls;
}

const SID = z.string().regex(/^[A-Za-z0-9_-]{10,64}$/);

// Twilio posts the same endpoint for messages (MessageSid/MessageStatus) and calls (CallSid/CallStatus).
export const StatusCallbackSchema = z
  .looseObject({
    MessageSid: SID.optional(),
    MessageStatus: z.string().max(40).optional(),
    CallSid: SID.optional(),
    CallStatus: z.string().max(40).optional(),
    ErrorCode: z.string().regex(/^\d{1,6}$/).optional().or(z.literal('').transform(() => undefined)),
  })
  .refine((b) => (b.MessageSid && b.MessageStatus) || (b.CallSid && b.CallStatus), {
    message: 'needs MessageSid and MessageStatus, or CallSid and CallStatus',
  });

export const StatusCallbackQuerySchema = z.object({ o: z.coerce.number().int().positive().max(2 ** 31 - 1).optional() });
