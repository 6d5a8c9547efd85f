// /api/reports (coordinators): the list, the GIS/CSV export, one report in full, and the PATCH that moves it
// through its lifecycle. Thin handlers over reports.service.ts, update-report.ts and export-reports.ts.
import { Router } from 'express';
import type { AppContext } from '../context.js';
import { requireRole } from '../auth/auth.middleware.js';
import { callerOf, seesReporterPhone } from '../auth/caller.js';
import { jsonBody, requireContentType } from '../lib/http.js';
import { audit } from '../lib/audit.js';
import { ExportReportsQuerySchema, ListReportsQuerySchema, MessageReporterBodySchema, ReportIdSchema, UpdateReportBodySchema } from './reports.schemas.js';
import { messageReporter } from './message-reporter.js';
import { getReport, listReports, reportWhere } from './reports.service.js';
import { updateReport } from './update-report.js';
import { exportFormat, streamReports } from './export-reports.js';

export function createReportsRouter(ctx: AppContext) {
  const router = Router();
  router.use(requireRole('coordinator'));

  router.get('/', async (req, res) => {
    res.json(await listReports(ctx, ListReportsQuerySchema.parse(req.query), callerOf(req).provinces));
  });

  // Before /:id, which would take "export" for a (bad) report number.
  router.get('/export', async (req, res) => {
    const { format: name, hxl, ...filters } = ExportReportsQuerySchema.parse(req.query);
    // Filters are checked (unknown P-code → 422) before the first byte, while an error can still be a status.
    const caller = callerOf(req);
    const where = await reportWhere(ctx.prisma, filters, caller.provinces);
    const revealPhone = seesReporterPhone(caller);
    const format = exportFormat(name, { hxl, revealPhone });
    await audit(ctx.prisma, {
      actor: caller.name,
      actorType: caller.actorType ?? 'api_key',
      action: 'report.export',
      entity: 'report',
      details: {
        format: name,
        reporterPhones: revealPhone ? 'full' : 'masked',
        filters: JSON.parse(JSON.stringify(filters)) as Record<string, string>,
      },
      requestId: caller.requestId,
    });
    const date = ctx.clock.now().toISOString().slice(0, 10);
    res.status(200);
    res.setHeader('Content-Type', format.contentType);
    res.setHeader('Content-Disposition', `attachment; filename="hazardline-reports-${date}.${format.extension}"`);
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    try {
      const count = await streamReports(ctx.prisma, where, format, res);
      if (count === null) req.log.info('report export abandoned by the client');
      else res.end();
    } catch (err) {
      if (!res.headersSent) throw err;
      // Half a file must not look like a whole one: cut the connection instead of ending the body cleanly.
      req.log.error({ err }, 'report export failed mid-stream');
      res.destroy(err instanceof Error ? err : new Error(String(err)));
    }
  });

  router.get('/:id', async (req, res) => {
    const { id } = ReportIdSchema.parse(req.params);
    res.json(await getReport(ctx, id, callerOf(req)));
  });

  router.patch('/:id', requireContentType('application/json'), jsonBody(ctx.config), async (req, res) => {
    const { id } = ReportIdSchema.parse(req.params);
    const body = UpdateReportBodySchema.parse(req.body);
    res.json(await updateReport(ctx, id, body, callerOf(req)));
  });

  router.post('/:id/messages', requireContentType('application/json'), jsonBody(ctx.config), async (req, res) => {
    const { id } = ReportIdSchema.parse(req.params);
    res.status(201).json(await messageReporter(ctx, id, MessageReporterBodySchema.parse(req.body), callerOf(req)));
  });

  return router;
}
