// At start-up, while no user exists: make a setup link and say it where a new user looks, the log (warn, so it
// shows at the default level) and plain stdout (readable without a log viewer).
import type { AppContext } from '../context.js';
import { createSetupToken, isSetupNeeded } from './setup.js';

export async function announceFirstRun(
  ctx: Pick<AppContext, 'prisma' | 'clock' | 'config' | 'log'>,
  print: (line: string) => void = (line) => console.log(line),
): Promise<string | null> {
  if (!(await isSetupNeeded(ctx.prisma))) return null;
  const token = await createSetupToken(ctx.prisma, ctx.clock.now());
  // config.publicBaseUrl is PUBLIC_BASE_URL, or http://localhost:PORT when it is not set.
  const link = `${ctx.config.publicBaseUrl}/setup?token=${token}`;
  ctx.log.warn({ setupLink: link }, 'no user yet: open the setup link to create the administrator (valid 24 h, once)');
  print(`\nFirst run: open ${link} to create the administrator (the link works once, for 24 hours).\n`);
  return link;
}
