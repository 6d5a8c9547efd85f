// A campaign call once someone picks up: the message, then "press 1 to hear it again, 9 to stop these calls".
// An answering machine gets the message and nothing else. Pressing 9 takes the number out of voice campaigns
// only (SMS messages continue; STOP by SMS ends those): it is what the prompt offers, "these calls".
import type { AppContext } from '../context.js';
import type { AnsweredBy } from '../messaging/provider-status.js';
import { messageWithMenuTwiml, promptsTwiml, voicemailTwiml, type KeyMenu } from '../messaging/call-twiml.js';
import { recordMenu, type CallRow } from '../outbox/call-progress.js';
import { voicePrompt } from './voice-prompts.js';

type Ctx = Pick<AppContext, 'prisma' | 'i18n' | 'config' | 'clock' | 'log'>;

/** Builds the menu's action URL with the call's progress in it (tries: silences and wrong keys; replays). */
export type MenuUrl = (progress: { tries: number; replays: number }) => string;

/** Silence or a wrong key repeats the menu this often, then the call ends politely (DESIGN §4). */
export const MENU_REPEATS = 2;
/** "Press 1 to hear again" at most this often in one call. */
export const MAX_REPLAYS = 3;

function menu(ctx: Ctx, row: CallRow, action: string): KeyMenu {
  return { action, prompt: voicePrompt(ctx, row.locale, 'campaignMenu'), goodbye: voicePrompt(ctx, row.locale, 'goodbye') };
}

export function answerCampaignCall(ctx: Ctx, row: CallRow, answeredBy: AnsweredBy | null, url: MenuUrl): string {
  if (answeredBy === 'machine' || answeredBy === 'fax') return voicemailTwiml(answeredBy === 'fax' ? null : row.body, null);
  return messageWithMenuTwiml(row.body, menu(ctx, row, url({ tries: 0, replays: 0 })));
}

export async function campaignMenuChoice(
  ctx: Ctx,
  row: CallRow,
  digits: string,
  progress: { tries: number; replays: number },
  url: MenuUrl,
): Promise<string> {
  const now = ctx.clock.now();
  const goodbye = () => promptsTwiml([voicePrompt(ctx, row.locale, 'goodbye')]);
  if (digits === '9') {
    await recordMenu(ctx.prisma, row.id, '9', now);
    await optOutOfVoiceCampaigns(ctx, row, now);
    return promptsTwiml([voicePrompt(ctx, row.locale, 'stopped')]);
  }
  if (digits === '1') {
    await recordMenu(ctx.prisma, row.id, '1', now);
    if (progress.replays >= MAX_REPLAYS) return goodbye();
    return messageWithMenuTwiml(row.body, menu(ctx, row, url({ tries: 0, replays: progress.replays + 1 })));
  }
  await recordMenu(ctx.prisma, row.id, null, now);
  if (progress.tries >= MENU_REPEATS) return goodbye();
  const lead = digits === '' ? [] : [voicePrompt(ctx, row.locale, 'wrongKey')];
  return messageWithMenuTwiml(null, menu(ctx, row, url({ tries: progress.tries + 1, replays: progress.replays })), lead);
}

/**
 * No more campaign calls to this number: the subscriber is marked, and its voice campaign calls not yet
 * placed (retries included) are cancelled. Pressing 9 again changes nothing.
 */
async function optOutOfVoiceCampaigns(ctx: Ctx, row: CallRow, now: Date): Promise<void> {
  await ctx.prisma.$transaction(async (tx) => {
    await tx.subscriber.updateMany({
      where: row.subscriberId ? { id: row.subscriberId, voiceOptedOutAt: null } : { phone: row.recipient, voiceOptedOutAt: null },
      data: { voiceOptedOutAt: now },
    });
    const cancelled = await tx.outboxMessage.updateMany({
      where: { recipient: row.recipient, kind: 'campaign', channel: 'voice', status: 'pending' },
      data: { status: 'cancelled', lastError: 'pressed 9 in a campaign call: no more campaign calls' },
    });
    ctx.log.info({ outboxId: row.id, subscriberId: row.subscriberId, cancelled: cancelled.count }, 'voice campaigns stopped by the listener');
  });
}
