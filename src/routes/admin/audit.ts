import { Router } from 'express';
import type { WebServices } from '../../modules/index.js';
import { auditQuery } from '../../modules/admin/schemas.js';
import type { AuditFilter } from '../../modules/admin/audit-log-service.js';
import { toCsv } from '../../lib/csv.js';
import { sendCsv } from '../../web/send-csv.js';
import { parseFilters } from '../../web/filters.js';

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
    res.render('pages/admin/audit.njk', { ...result, filter, page, query: params.toString() });
  });

  router.get('/audit.csv', async (req, res) => {
    const filter = filterOf(auditQuery.parse(req.query));
    const rows = await auditLog.all(filter);
    const t = req.t;
    const csv = toCsv(
      [
        t('admin:audit.source'),
        t('admin:audit.number'),
        t('admin:audit.at'),
        t('admin:audit.actor'),
        t('admin:audit.action'),
        t('admin:audit.objectType'),
        t('admin:audit.objectId'),
        t('admin:audit.document'),
        t('admin:audit.details'),
      ],
      rows.map((r) => [
        t(`admin:audit.sources.${r.source}`),
        r.id,
        r.at,
        r.actor_name,
        r.action,
        r.object_type,
        r.object_id,
        r.signed_document_id,
        r.details,
      ]),
    );
    sendCsv(res, 'audit-log.csv', csv);
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
