// The call's end (Twilio's status callback on the hotline number) and its recording (recordingStatusCallback).
// Both are idempotent: a call ends once, a recording is stored once, and a report is settled once.
import type { AppContext } from '../context.js';
import { attachRecording, settleVoiceReport } from '../reports/voice-intake.js';

const ENDED = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);

export async function endCall(ctx: AppContext, post: { callSid: string; callStatus: string }): Promise<{ matched: boolean }> {
  if (!ENDED.has(post.callStatus)) return { matched: true };
  return ctx.prisma.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<{ id: number }[]>`SELECT id FROM ivr_calls WHERE call_sid = ${post.callSid} FOR UPDATE`;
    if (!row) return { matched: false };
    const call = await tx.ivrCall.findUniqueOrThrow({ where: { id: row.id } });
    const now = ctx.clock.now();
    // A caller who hung up half-way still leaves a report: it goes to its team with what it has.
    if (call.reportId !== null && !call.settledAt) {
      await settleVoiceReport(ctx, tx, call.reportId, `caller hung up at ${call.step}`);
    }
    await tx.ivrCall.update({
      where: { id: call.id },
      data: { status: post.callStatus, endedAt: call.endedAt ?? now, settledAt: call.reportId !== null ? (call.settledAt ?? now) : null },
    });
    return { matched: true };
  });
}

export async function storeRecording(
  ctx: AppContext,
  post: { callSid: string; url: string; sid: string | null; seconds: number | null },
): Promise<{ matched: boolean }> {
  return ctx.prisma.$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<{ id: number }[]>`SELECT id FROM ivr_calls WHERE call_sid = ${post.callSid} FOR UPDATE`;
    if (!row) return { matched: false };
    const call = await tx.ivrCall.findUniqueOrThrow({ where: { id: row.id } });
    if (call.recordingUrl === post.url) return { matched: true };
    await tx.ivrCall.update({
      where: { id: call.id },
      data: { recordingUrl: post.url, recordingSid: post.sid, recordingDuration: post.seconds },
    });
    if (call.reportId !== null) await attachRecording(tx, call.reportId, { url: post.url, seconds: post.seconds }, ctx.clock.now());
    return { matched: true };
  });
}

/** Where a team's short link (/r/<token>) leads: Twilio's recording as MP3, once it exists. */
export async function recordingTarget(ctx: Pick<AppContext, 'prisma'>, token: string): Promise<string | null> {
  if (!/^[A-Za-z0-9_-]{8,64}$/.test(token)) return null;
  const call = await ctx.prisma.ivrCall.findUnique({ where: { linkToken: token }, select: { recordingUrl: true } });
  if (!call?.recordingUrl) return null;
  // Twilio serves a recording URL without an extension as WAV; MP3 is a tenth of the size on a phone.
  return /\.(mp3|wav)$/i.test(call.recordingUrl) ? call.recordingUrl : `${call.recordingUrl}.mp3`;
}
