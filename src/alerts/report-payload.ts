// The report as JSON for machines: team webhooks and the API/GIS export share this one shape.
import type { HazardReport } from '../generated/prisma/client.js';
import type { UnitRef } from '../districts/ancestry.js';

export function reportPayload(r: HazardReport, extra: { place?: string | null; chain?: UnitRef[]; event?: string } = {}) {
  return {
    ...(extra.event ? { event: extra.event } : {}),
    report: {
      id: r.id,
      status: r.status,
      priority: r.priority,
      priorityReasons: r.priorityReasons,
      deviceClass: r.deviceClass,
      casualties: r.casualties,
      contextFlags: r.contextFlags,
      originalText: r.originalText,
      reporterPhone: r.reporterPhone,
      locale: r.locale,
      channel: r.channel,
      location: {
        lat: r.lat,
        lon: r.lon,
        accuracyM: r.accuracyM,
        source: r.locationSource,
        text: r.locationText,
        place: extra.place ?? null,
        adminPcode: r.adminPcode,
        districtPcode: r.districtPcode,
        provincePcode: r.provincePcode,
        admin: extra.chain?.map((u) => ({ pcode: u.pcode, level: u.level, name: u.nameEn, nameLocal: u.nameLocal })),
      },
      mediaUrls: r.mediaUrls,
      // Voice reports: the short link (redirects to the recording once Twilio has it) and the recording itself.
      recording: r.recordingLink ? { link: r.recordingLink, url: r.recordingUrl } : null,
      duplicateOfId: r.duplicateOfId,
      teamId: r.teamId,
      createdAt: r.createdAt.toISOString(),
      acknowledgedAt: r.acknowledgedAt?.toISOString() ?? null,
      closedAt: r.closedAt?.toISOString() ?? null,
    },
  };
}
