// POST /api/reports/:id/messages: a coordinator writes to the villager who reported ("the team comes tomorrow at
// 9", "can you send the village name?"). The text goes through the same safety check as campaign texts, because
// a villager reads it as official advice; it is queued in the outbox (never sent inline), written into the
// report's history, and audited. A reporter who sent STOP or whose number is invalid is not written to.
import type { AppContext } from '../context.js';
import { AppError } from '../lib/errors.js';
import { audit } from '../lib/audit.js';
import { apiActor, userActor } from '../lib/actor.js';
import { enqueue } from '../outbox/enqueue.js';
import { checkTextSafety, describeHit } from '../content/safety/check-text.js';
import { SUPPORTED_LOCALES } from '../config.js';
import type { ApiCaller } from '../auth/caller.js';
import { withinProvinces } from './reports.service.js';
import type { MessageReporterBody } from './reports.schemas.js';

type Ctx = Pick<AppContext, 'prisma' | 'clock' | 'outbox'>;

export async function messageReporter(ctx: Ctx, id: number, body: MessageReporterBody, caller: ApiCaller) {
  const actor = caller.actorType === 'user' ? userActor(caller.name) : apiActor(caller.name);
  // The coordinator may write in any of the languages (or mix them), so the text is read with every lexicon.
  const unsafe = SUPPORTED_LOCALES.flatMap((locale) => checkTextSafety(body.text, locale).errors.map((h) => ({ locale, hit: h })));
  if (unsafe.length > 0) {
    throw new AppError('unsafe_content', `The text gives unsafe advice: ${unsafe.map((u) => describeHit(u.hit, u.locale)).join('; ')}`, {
      field: 'text',
      unsafe: unsafe.map((u) => ({ locale: u.locale, phrase: u.hit.phrase, message: describeHit(u.hit, u.locale) })),
    });
  }
  const now = ctx.clock.now();
  const result = await ctx.prisma.$transaction(async (tx) => {
    const report = await tx.hazardReport.findUnique({ where: { id } });
    if (!report || !withinProvinces(report.districtPcode, caller.provinces)) throw new AppError('not_found', `Report ${id} does not exist`);
    if (!report.reporterPhone.startsWith('+')) {
      throw new AppError('unprocessable', 'The reporter has no phone number that can receive SMS', { field: 'reporterPhone' });
    }
    const reporter = report.reporterId ? await tx.subscriber.findUnique({ where: { id: report.reporterId } }) : null;
    if (reporter?.status === 'opted_out') throw new AppError('unprocessable', 'The reporter sent STOP: they are not written to', { reason: 'opted_out' });
    if (reporter?.numberInvalidAt) throw new AppError('unprocessable', "The reporter's number was refused by the carrier as invalid", { reason: 'number_invalid' });
    const event = await tx.reportEvent.create({
      data: { reportId: id, kind: 'message', actor: actor.id, actorType: actor.type, at: now, note: body.text },
    });
    const queued = await enqueue(tx, {
      kind: 'report_update',
      to: report.reporterPhone,
      body: body.text,
      locale: reporter?.language ?? report.locale,
      reportId: id,
      subscriberId: reporter?.id ?? null,
      dedupeKey: `message:${id}:${event.id}`,
    });
    await audit(tx, {
      actor: caller.name, actorType: caller.actorType ?? 'api_key', action: 'report.message', entity: 'hazard_report', entityId: id,
      details: { chars: [...body.text].length }, requestId: caller.requestId,
    });
    return { eventId: event.id, outboxId: queued.id, encoding: queued.encoding, segments: queued.segments, status: queued.status };
  });
  ctx.outbox.notify();
  return result;
}
