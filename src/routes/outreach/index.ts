import { Router, type Request, type Response } from 'express';
import type { WebServices } from '../../modules/index.js';
import { ValidationError } from '../../lib/errors.js';
import { KZ_REGIONS } from '../../modules/directory/lists.js';
import { NOTIFY_METHODS, OUTREACH_STATES } from '../../modules/outreach/rules.js';
import { emptyForm, executiveForm, notifiedForm, outreachQuery } from '../../modules/outreach/schemas.js';
import { actorOf, requireRole } from '../../web/auth-context.js';
import { flash } from '../../web/flash.js';
import { idParam, parseForm, type FieldErrors } from '../../web/forms.js';
import { parseFilters } from '../../web/filters.js';
import { sendCsvTable } from '../admin/csv-export.js';
import { exportColumns, rowVm } from './view-models.js';

/**
 * People without a БМГ phone (rules, item 9): the local executive body's list of its region (/outreach),
 * its export and «Отметить как уведомлённого»; the administrator's counts per region and the grants of
 * the role with its region (/admin/outreach).
 */
export function outreachRoutes(services: WebServices): Router {
  const router = Router();
  const { service } = services.outreach;

  const own = Router();
  own.use(requireRole('local_executive'));

  own.get('/', async (req, res) => {
    const q = parseFilters(outreachQuery, req);
    const list = await service.list(actorOf(req), q);
    const qs = new URLSearchParams({ state: q.state ?? '', q: q.q ?? '' }).toString();
    res.render('pages/outreach/list.njk', {
      region: list.region,
      rows: list.rows.map((r) => rowVm(req.t, r)),
      total: list.total,
      page: list.page,
      pages: list.pages,
      states: OUTREACH_STATES,
      filter: { state: q.state ?? '', q: q.q ?? '' },
      qs,
    });
  });

  own.get('/export.csv', async (req, res) => {
    const q = parseFilters(outreachQuery, req);
    const { rows } = await service.exportRows(actorOf(req), q);
    sendCsvTable(
      res,
      'outreach.csv',
      req.t,
      exportColumns(req.t),
      rows.map((r) => rowVm(req.t, r)),
    );
  });

  const renderCard = async (
    req: Request,
    res: Response,
    extra: { errors?: FieldErrors; values?: unknown } = {},
  ) => {
    const row = await service.show(actorOf(req), idParam(req));
    res.render('pages/outreach/card.njk', {
      row: rowVm(req.t, row),
      methods: NOTIFY_METHODS,
      errors: extra.errors ?? {},
      values: extra.values ?? {},
    });
  };

  own.get('/:id', (req, res) => renderCard(req, res));

  own.post('/:id/notified', async (req, res) => {
    const form = parseForm(notifiedForm, req.body);
    if (!form.ok) {
      res.status(400);
      return renderCard(req, res, { errors: form.errors, values: req.body });
    }
    await service.markNotified(actorOf(req), idParam(req), form.data);
    flash(req, 'outreach:flash.notified');
    res.redirect(303, '/outreach');
  });

  router.use('/outreach', own);

  // ---------------------------------------------------------------- the administrator

  const admin = Router();
  admin.use(requireRole('admin'));

  const renderAdmin = async (
    _req: Request,
    res: Response,
    extra: { errors?: FieldErrors; values?: unknown } = {},
  ) => {
    const [counts, executives] = await Promise.all([service.countsByRegion(), service.executives()]);
    res.render('pages/outreach/admin.njk', {
      counts,
      executives,
      regions: KZ_REGIONS,
      errors: extra.errors ?? {},
      values: extra.values ?? {},
    });
  };

  admin.get('/', (req, res) => renderAdmin(req, res));

  admin.post('/executives', async (req, res) => {
    const form = parseForm(executiveForm, req.body);
    if (!form.ok) {
      res.status(400);
      return renderAdmin(req, res, { errors: form.errors, values: req.body });
    }
    try {
      await service.grant(actorOf(req), form.data);
    } catch (err) {
      if (err instanceof ValidationError) {
        res.status(400);
        return renderAdmin(req, res, { errors: err.fields, values: req.body });
      }
      throw err;
    }
    flash(req, 'outreach:flash.granted');
    res.redirect(303, '/admin/outreach');
  });

  admin.post('/executives/:id/revoke', async (req, res) => {
    parseForm(emptyForm, req.body);
    await service.revoke(actorOf(req), idParam(req));
    flash(req, 'outreach:flash.revoked');
    res.redirect(303, '/admin/outreach');
  });

  router.use('/admin/outreach', admin);
  return router;
}
