import { Router } from 'express';
import type { WebServices } from '../../modules/index.js';
import { auditQuery } from '../../modules/admin/schemas.js';
import type { AuditFilter } from '../../modules/admin/audit-log-service.js';
import { sendCsvTable } from './csv-export.js';
import { parseFilters } from '../../web/filters.js';
import { auditRowView } from './view-models.js';

function filterOf(q: ReturnType<typeof auditQuery.parse>): AuditFilter {
  return {
    ...(q.from ? { from: q.from } : {}),
    ...(q.to ? { to: q.to } : {}),
    ...(q.action ? { action: q.action.trim() } : {}),
    ...(q.objectType ? { objectType: q.objectType.trim() } : {}),
    ...(q.objectId ? { objectId: q.objectId.trim() } : {}),
    ...(q.actor ? { actor: q.actor } : {}),
    ...(q.source ? { source: q.source } : {}),
  };
}

/** The audit log: every state change and signed document, filterable, with CSV export. */
export function auditRoutes(services: WebServices): Router {
  const router = Router();
  const { auditLog } = services.admin;

  router.get('/audit', async (req, res) => {
    const q = parseFilters(auditQuery, req);
    const filter = filterOf(q);
    const page = q.page ?? 1;
    const result = await auditLog.list(filter, page);
    const params = new URLSearchParams(Object.entries(filter).map(([k, v]) => [k, String(v)]));
    res.render('pages/admin/audit.njk', {
      ...result,
      rows: result.rows.map(auditRowView),
      filter,
      page,
      query: params.toString(),
    });
  });

  router.get('/audit.csv', async (req, res) => {
    const filter = filterOf(auditQuery.parse(req.query));
    const rows = await auditLog.all(filter);
    const t = req.t;
    sendCsvTable(
      res,
      'audit-log.csv',
      t,
      [
        ['admin:audit.source', (r) => t(`admin:audit.sources.${r.source}`)],
        ['admin:audit.number', (r) => r.id],
        ['admin:audit.at', (r) => r.at],
        ['admin:audit.actor', (r) => r.actorName],
        ['admin:audit.action', (r) => r.action],
        ['admin:audit.objectType', (r) => r.objectType],
        ['admin:audit.objectId', (r) => r.objectId],
        ['admin:audit.document', (r) => r.signedDocumentId],
        ['admin:audit.details', (r) => r.details],
      ],
      rows.map(auditRowView),
    );
  });

  router.get('/health', async (_req, res) => {
    const [ready, trust] = await Promise.all([
      services.health.ready(),
      Promise.resolve(services.health.trustHealth()),
    ]);
    res.render('pages/admin/health.njk', { ready, trust, now: services.clock.now() });
  });

  return router;
}
