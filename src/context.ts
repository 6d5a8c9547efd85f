// What every feature needs, built once by the server (or a test) and handed to createApp. Services take the
// parts they use; nothing reaches for globals.
import type { Config } from './config.js';
import type { Database, Db } from './lib/db.js';
import type { Logger } from './lib/logger.js';
import type { I18n } from './lib/i18n.js';
import type { Clock } from './lib/clock.js';
import type { Metrics } from './lib/metrics.js';
import type { PlaceIndex } from './districts/place-index.js';
import type { BoundaryIndex } from './districts/boundary-index.js';
import type { KeywordTable } from './subscribers/keywords.js';
import type { Transport } from './messaging/transport.js';
import type { CompiledVocabulary } from './reports/parse/vocabulary.js';

export interface AppContext {
  config: Config;
  database: Database;
  prisma: Db;
  log: Logger;
  i18n: I18n;
  clock: Clock;
  metrics: Metrics;
  places: PlaceIndex;
  /** Boundary polygons for point-in-polygon district lookup, in memory (rebuilt after an import). */
  boundaries: BoundaryIndex;
  keywords: KeywordTable;
  transport: Transport;
  /** Words the report parser looks for, from every locale's reports.json. */
  vocabulary: CompiledVocabulary;
  /** Wakes the dispatcher after queueing something urgent (a no-op where none runs, e.g. in most tests). */
  outbox: { notify(): void };
  /** Wakes this instance's inbound worker after a message is stored (a no-op where none runs). */
  inbound: { notify(): void };
}
