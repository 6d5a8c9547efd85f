// Dependencies run one way (DESIGN.md §1): a request or an inbound message enters at the top and work flows
// down to the transport. A folder may import its own files and the folders in lower tiers, never a folder in
// its own tier or above: a feature that must tell an earlier one something gets a callback or writes a row.
// The files directly in src/ (server, app, bootstrap, config, context) are the wiring and stand outside.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

/** Highest first. The order is the code's: each tier lists who it serves, and nothing below calls back up. */
const LAYERS: readonly (readonly string[])[] = [
  // Entry points nothing else imports: Twilio webhooks, health and metrics, demo data, and the trainers' phone
  // simulator (which only posts to the webhooks over HTTP). The API description reads every feature's schemas.
  ['openapi'],
  // The web console's static files and page fallback (web/dist); it imports no feature.
  ['console'],
  ['webhooks', 'ops', 'demo', 'simulator'],
  // Every inbound SMS, stored and then handed to the feature it is for; the voice hotline's calls.
  ['inbound', 'ivr'],
  // Hazard reports: intake, dialogue, lifecycle, and the team commands that change a report's status.
  ['reports'],
  // What reaches people: alerts to clearance teams and their escalation; risk-education campaigns.
  // Victim assistance: casualty records, consent, referrals and follow-ups (reports create placeholders).
  ['alerts', 'campaigns', 'victims'],
  // Subscribers (keywords, language, phone numbers: alerts normalise team contacts' numbers with them).
  ['subscribers'],
  // Reference data: the gazetteer and country facts; the risk-education content library.
  ['districts', 'content'],
  // Everything anyone is sent, queued, paced and retried; the console's live events (read from rows that
  // triggers write, so no feature has to call them).
  ['outbox', 'live'],
  // Console users, sessions and sign-in, and the admin routes for users, API keys and the audit trail.
  ['accounts'],
  // The provider (all of Twilio), the job scheduler, API keys and roles.
  ['messaging', 'jobs', 'auth'],
  // Shared plumbing.
  ['lib'],
  // The Prisma client, generated from prisma/schema.prisma.
  ['generated'],
];

const tierOf = new Map(LAYERS.flatMap((tier, i) => tier.map((folder) => [folder, i] as const)));

interface Import {
  file: string;
  specifier: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'generated' ? [] : sourceFiles(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

// Static imports and re-exports (also spread over several lines), side-effect imports and import().
const IMPORT_RES = [
  /^\s*(?:import|export)\b[^;]*?\bfrom\s*['"]([^'"]+)['"]/gm,
  /^\s*import\s*['"]([^'"]+)['"]/gm,
  /\bimport\(\s*['"]([^'"]+)['"]\s*\)/g,
];

function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8');
  return IMPORT_RES.flatMap((re) => [...text.matchAll(re)].map((m) => ({ file, specifier: m[1]! })));
}

/** The folder under src/ a file or relative import lands in; null for the wiring files directly in src/. */
function folderOf(path: string): string | null {
  const parts = relative(SRC, path).split(/[\\/]/);
  return parts.length > 1 ? parts[0]! : null;
}

const show = (file: string) => relative(SRC, file);

const imports = sourceFiles(SRC).flatMap(importsOf);

/** Imports from one folder into another, with the files that make each edge. */
const edges = new Map<string, Map<string, string[]>>();
for (const { file, specifier } of imports) {
  if (!specifier.startsWith('.')) continue;
  const from = folderOf(file);
  const to = folderOf(resolve(dirname(file), specifier));
  if (!from || !to || from === to) continue;
  const targets = edges.get(from) ?? new Map<string, string[]>();
  targets.set(to, [...(targets.get(to) ?? []), `${show(file)} → ${specifier}`]);
  edges.set(from, targets);
}

describe('dependencies', () => {
  it('when a file outside src/messaging imports the twilio SDK, then it fails', () => {
    const offenders = imports
      .filter((i) => (i.specifier === 'twilio' || i.specifier.startsWith('twilio/')) && folderOf(i.file) !== 'messaging')
      .map((i) => show(i.file));
    expect(offenders, 'keep Twilio behind plain functions in src/messaging').toEqual([]);
  });

  it('when a folder under src/ has no tier in LAYERS, then it fails', () => {
    const folders = readdirSync(SRC, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
    expect(folders.filter((f) => !tierOf.has(f)), 'give every new folder its place in LAYERS').toEqual([]);
  });

  it('when a folder imports one in its own tier or a higher one, then it fails', () => {
    const upward: string[] = [];
    for (const [from, targets] of edges) {
      for (const [to, where] of targets) {
        if (tierOf.has(from) && tierOf.has(to) && tierOf.get(to)! <= tierOf.get(from)!) upward.push(`${from} → ${to}: ${where.join(', ')}`);
      }
    }
    expect(upward, 'pass a callback or write a row instead of importing upward').toEqual([]);
  });

  it('when alerts imports reports, then it fails (named on its own: it is the edge most tempting to add)', () => {
    expect([...(edges.get('alerts')?.get('reports') ?? [])]).toEqual([]);
  });

  it('when feature folders import each other in a cycle, then it fails', () => {
    const cycles: string[] = [];
    const done = new Set<string>();
    const visit = (folder: string, path: string[]) => {
      if (path.includes(folder)) {
        cycles.push([...path.slice(path.indexOf(folder)), folder].join(' → '));
        return;
      }
      if (done.has(folder)) return;
      for (const to of edges.get(folder)?.keys() ?? []) visit(to, [...path, folder]);
      done.add(folder);
    };
    for (const folder of edges.keys()) visit(folder, []);
    expect(cycles).toEqual([]);
  });
});
