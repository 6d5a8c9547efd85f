import { z } from 'zod';

const Phone = z.string().trim().regex(/^\+[1-9]\d{6,14}$/, 'must be an E.164 number such as +85512345678');
/** Our hotline's own step URLs, as the last answer gave them: nothing else may be posted to. */
const StepPath = z
  .string()
  .max(300)
  .regex(/^\/webhooks\/twilio\/voice(\/step)?(\?[A-Za-z0-9=&._%-]*)?$/, 'must be the `next` path a previous answer returned');

export const SimulatorSmsBodySchema = z
  .strictObject({
    from: Phone.describe('The phone the message comes from (a villager or a team contact)'),
    body: z.string().min(1).max(1600).describe('The SMS text, as the villager would type it'),
  });

export const SimulatorConversationQuerySchema = z.strictObject({
  phone: Phone,
  after: z
    .string()
    .regex(/^\d{1,15}\.\d{1,15}$/, 'must be the nextCursor of a previous answer')
    .optional()
    .describe('nextCursor of the previous answer: only newer messages'),
});

export const SimulatorCallBodySchema = z
  .strictObject({
    from: Phone,
    callSid: z.string().regex(/^CA[0-9a-f]{32}$/, 'must look like CA + 32 hex').optional(),
    digits: z.string().regex(/^[0-9*#]{1,10}$/, 'keys 0-9, * and #').optional().describe('Keys pressed; absent = silence'),
    next: StepPath.optional().describe('The `next` of the previous answer; absent = start a new call to the hotline'),
  })
  .refine((b) => !b.next || b.callSid, { message: 'callSid is required with next', path: ['callSid'] });

export type SimulatorCallBody = z.infer<typeof SimulatorCallBodySchema>;
