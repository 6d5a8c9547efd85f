// Reports made on the voice hotline (src/ivr/): the answers come by keypad one at a time, so the report is
// created at the first answer and completed by the next ones, then goes through the same triage, dedupe,
// routing and victim-assistance referral as an SMS report (settle, referVictimAssistance).
//
// While the call goes on the report waits in `triaged` with dialogue_state 'voice_call'. It is settled when
// the caller reaches the recording (every key answer known), at once when someone is hurt, when the call ends
// (status callback), and, should Twilio's status callback never come, by the escalation job like an
// unanswered SMS question (reports/escalation-job.ts).
import type { HazardReport } from '../generated/prisma/client.js';
import type { DeviceClass } from '../generated/prisma/enums.js';
import type { Tx } from '../lib/db.js';
import type { AppContext } from '../context.js';
import { ancestry } from '../districts/ancestry.js';
import { reporterActor, SYSTEM } from '../lib/actor.js';
import { placeName } from '../alerts/route-report.js';
import { triage } from './triage.js';
import { addNote, changeStatus } from './lifecycle.js';
import { settle } from './dispatch.js';
import { createCasualtyPlaceholders } from '../victims/placeholders.js';
import { referVictimAssistance } from './notify.js';

type Ctx = Pick<AppContext, 'config' | 'i18n' | 'clock' | 'log'>;

export const VOICE_DIALOGUE = 'voice_call';

export interface VoiceAnswers {
  /** The most specific unit chosen (commune, district or province), or null: "I don't know". */
  pcode: string | null;
  device: DeviceClass | null;
  /** null: not answered (yet). */
  casualties: boolean | null;
  /** The keypad answers as given, kept in the report's `parse` for the record. */
  keys: Record<string, unknown>;
}

async function fieldsOf(tx: Tx, a: VoiceAnswers) {
  const chain = a.pcode ? await ancestry(tx, a.pcode) : [];
  const casualties = a.casualties === true;
  const tri = triage({ casualties, children: false, contextFlags: [] });
  return {
    fields: {
      deviceClass: a.device ?? 'unknown',
      casualties,
      priority: tri.priority,
      priorityReasons: tri.reasons,
      // A province counts too: its team is found by the province's coverage.
      adminPcode: chain[0]?.pcode ?? null,
      districtPcode: chain.find((u) => u.level === 'district')?.pcode ?? null,
      provincePcode: chain.find((u) => u.level === 'province')?.pcode ?? null,
      locationText: chain.length ? chain.map((u) => u.nameEn).join(', ') : null,
      locationSource: chain.length ? 'ivr' : null,
      locationConfidence: chain.length ? 1 : null,
      parse: { voice: a.keys } as object,
    },
    adminLevel: chain[0]?.level ?? null,
  };
}

/** The report of a call at its first answer: received → triaged, waiting for the rest of the call. */
export async function createVoiceReport(
  ctx: Ctx,
  tx: Tx,
  input: { phone: string; subscriberId: number | null; locale: string; recordingLink: string; answers: VoiceAnswers },
): Promise<HazardReport> {
  const now = ctx.clock.now();
  const { fields } = await fieldsOf(tx, input.answers);
  const report = await tx.hazardReport.create({
    data: {
      // The villager's own words are in the recording; the link travels in every alert and referral text.
      originalText: `Voice call, keypad answers. Recording: ${input.recordingLink}`,
      reporterPhone: input.phone,
      reporterId: input.subscriberId,
      locale: input.locale,
      channel: 'voice',
      recordingLink: input.recordingLink,
      contextFlags: [],
      ...fields,
      dialogueState: VOICE_DIALOGUE,
      createdAt: now,
    },
  });
  await tx.reportEvent.create({
    data: { reportId: report.id, kind: 'status', toStatus: 'received', actor: reporterActor(input.subscriberId).id, actorType: 'reporter', at: now },
  });
  const { after } = await changeStatus(tx, report.id, { to: 'triaged', actor: SYSTEM, at: now, note: `${fields.priority}: ${fields.priorityReasons.join(', ') || 'no urgent signs'} (voice)` });
  return after;
}

/** The next answers of the call; ignored once the report has been sent on (the team has what it was sent). */
export async function updateVoiceReport(ctx: Ctx, tx: Tx, reportId: number, answers: VoiceAnswers): Promise<HazardReport | null> {
  const report = await tx.hazardReport.findUnique({ where: { id: reportId } });
  if (!report || report.status !== 'triaged' || report.dialogueState !== VOICE_DIALOGUE) return report;
  const { fields } = await fieldsOf(tx, answers);
  return tx.hazardReport.update({ where: { id: reportId }, data: fields });
}

/** Sends the report on: duplicate check, the team's alert, and the victim-assistance referral for casualties. */
export async function settleVoiceReport(ctx: Ctx, tx: Tx, reportId: number, why: string): Promise<HazardReport | null> {
  const report = await tx.hazardReport.findUnique({ where: { id: reportId } });
  if (!report || report.dialogueState !== VOICE_DIALOGUE) return report;
  const now = ctx.clock.now();
  const ready = await tx.hazardReport.update({ where: { id: reportId }, data: { dialogueState: null, dialogueUntil: null } });
  await addNote(tx, reportId, SYSTEM, `voice call: ${why}`, now, 'dialogue');
  const adminLevel = ready.adminPcode ? (await ancestry(tx, ready.adminPcode))[0]?.level ?? null : null;
  const settled = ready.status === 'triaged' ? await settle(ctx, tx, ready, adminLevel, now) : ready;
  if (settled.casualties) {
    await referVictimAssistance(ctx, tx, settled, await placeName(tx, settled));
    // A hotline answer says whether someone is hurt, not how many: one placeholder to complete.
    await createCasualtyPlaceholders(tx, settled, ['unknown']);
  }
  return settled;
}

/** The recording arrived (Twilio's recordingStatusCallback): kept on the report, noted in its history. */
export async function attachRecording(tx: Tx, reportId: number, rec: { url: string; seconds: number | null }, now: Date) {
  await tx.hazardReport.update({ where: { id: reportId }, data: { recordingUrl: rec.url } });
  await addNote(tx, reportId, SYSTEM, `recording received${rec.seconds !== null ? ` (${rec.seconds} s)` : ''}`, now, 'field');
}
