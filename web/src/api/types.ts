// The shapes the console reads. The OpenAPI document describes response bodies in words, so each is named here
// after the service's serializers (src/*/…service.ts) and the shared contract (accounts, live, simulator).
export type Role = 'admin' | 'educator' | 'coordinator' | 'victim_assistance';
export type Locale = 'en' | 'km' | 'lo' | 'es';
export const LOCALES: Locale[] = ['en', 'km', 'lo', 'es'];

export interface User {
  id: number; email: string; phone: string | null; name: string; role: Role; provinces: string[];
  disabled: boolean; createdAt: string; lastSignInAt: string | null;
}
export interface Session { user: User; csrfToken: string; expiresAt: string }
export interface ApiKey { id: number; name: string; role: Role; prefix: string; createdAt: string; lastUsedAt: string | null; revokedAt: string | null }
export interface Page<T> { data: T[]; nextCursor: string | null }

export const REPORT_STATUSES = ['received', 'triaged', 'dispatched', 'acknowledged', 'verified', 'tasked', 'cleared', 'false_alarm', 'duplicate', 'not_found'] as const;
export type ReportStatus = (typeof REPORT_STATUSES)[number];
export const PRIORITIES = ['critical', 'high', 'normal', 'low'] as const;

export interface Report {
  id: number; status: ReportStatus; priority: string; priorityReasons: string[]; deviceClass: string | null;
  casualties: unknown; contextFlags: string[]; originalText: string; reporterPhone: string;
  location: { lat: number | null; lon: number | null; accuracyM: number | null; source: string | null; text: string | null; adminPcode: string | null; districtPcode: string | null; provincePcode: string | null };
  teamId: number | null; assignee: string | null; duplicateOfId: number | null;
  createdAt: string; acknowledgedAt: string | null; closedAt: string | null;
  /** In the list: when the oldest alert still waiting for a team's ACK was sent (null: none waiting). */
  alertOpenSince?: string | null;
}
export interface ReportAlert {
  id: number; teamId: number; contactId: number | null; state: string; step: number;
  nextEscalationAt: string | null; acknowledgedAt: string | null; acknowledgedBy: string | null; createdAt: string;
}
export interface OutboxRow {
  id: number; kind: string; channel: string; priority: number; recipient: string; sender: string | null; body: string;
  locale: string | null; encoding: string | null; segments: number | null; status: string; attempts: number;
  lastErrorCode: string | null; lastError: string | null; reportId: number | null; campaignId: number | null;
  createdAt: string; sentAt: string | null; deliveredAt: string | null;
}
export interface ReportDetail extends Report {
  locale: string | null; channel: string; mediaUrls: string[]; recordingLink?: string | null; updatedAt: string;
  location: Report['location'] & { confidence: number | null; admin: { pcode: string; level: string; name: string; nameLocal: string | null }[] };
  allowedTransitions: ReportStatus[];
  parse: Record<string, unknown> | null;
  history: { id: number; kind: string; fromStatus: string | null; toStatus: string | null; actor: string; actorType: string; note: string | null; details: unknown; at: string }[];
  messages: {
    inbound: { id: number; channel: string; from: string; body: string; numMedia: number; mediaUrls: string[]; handledAs: string | null; receivedAt: string }[];
    outbox: OutboxRow[];
  };
  duplicates: { id: number; status: string; createdAt: string; originalText: string }[];
  alerts: ReportAlert[];
}

export interface DistrictNode {
  pcode: string; level: string; parentPcode: string | null; nameEn: string; nameLocal: string | null;
  subscribers?: number; children?: DistrictNode[];
}

export interface Team {
  id: number; name: string; organisation: string | null; isFallback: boolean; active: boolean;
  webhookUrl: string | null; hasWebhookSecret: boolean;
  coverages: { pcode: string; level: string; name: string }[];
  contacts: { id: number; name: string; phone: string; language: string | null; position: number }[];
}

export interface Subscriber {
  id: number; phone: string; language: string; districtPcode: string | null; status: string; numberInvalid: boolean;
  source: string | null; joinedAt: string | null; optedOutAt: string | null; createdAt: string;
}
export interface ImportResult {
  total: number; created: number; updated: number; unchanged: number; skipped: number;
  errors: { row: number; phone?: string; reason: string; column?: string }[];
}

export interface Campaign {
  id: number; name: string; status: string; channel: 'sms' | 'voice'; message: string | null;
  text: Partial<Record<Locale, string>> | null; districts: string[]; languages: string[];
  schedule: { at?: string | null; cron?: string; timezone: string | null; startAt?: string | null; endAt?: string | null };
  quietHours: { start: string; end: string } | null; maxPerSubscriberPerWeek: number | null;
  nextRunAt: string | null; lastRunAt: string | null; createdAt: string;
}
export interface RunStats {
  audience: number; queued: number; pending: number; sent: number; delivered: number; undelivered: number;
  failed: number; cancelled: number; unknown: number;
  skipped: { optedOut: number; invalidNumber: number; frequencyCap: number; noContent: number };
}
export interface CampaignDetail extends Campaign {
  upcoming: string[];
  audience: unknown;
  totals: RunStats;
  runs: (RunStats & { id: number; occurrenceAt: string; status: string; reason?: string; error?: string })[];
}
export interface Preview {
  campaignId: number; channel: string; recipients: number;
  locales: { locale: string; hasContent: boolean; recipients: number; text?: string; twiml?: string; encoding?: string; segments?: number; characters?: number; cost?: number; segmentsRange?: { min: number; max: number } }[];
  cost: { currency: string; total: number; segments: number } | null;
  notes: string[];
}

export interface ContentText { sms: string; encoding: string; parts: number; chars: number; voice?: string; audioUrl?: string }
export interface ContentMessage { id: string; title: string; topic?: string; channels: string[]; texts: Partial<Record<Locale, ContentText>> }

export interface SimulatorInfo { enabled: boolean; hotline: string; numbers: { phone: string; label: string; kind: 'villager' | 'team' }[] }
export interface ConversationItem { id: string | number; at: string; direction: 'in' | 'out'; channel: 'sms' | 'voice'; kind: string; body: string; status: string }
export type Prompt = { say: string; language: string } | { play: string };
export interface CallStep {
  callSid: string; prompts: Prompt[]; gather: { numDigits: number; timeout: number } | null;
  record: boolean; hangup: boolean; next: string | null;
}
