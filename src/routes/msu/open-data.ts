import { Router, type Request, type Response } from 'express';
import { rateLimit } from 'express-rate-limit';
import type { WebServices } from '../../modules/index.js';
import { AppError } from '../../lib/errors.js';
import { astanaDateTime } from '../../lib/clock.js';
import { openDataQuery, queueCheckForm, queueCheckIinForm } from '../../modules/msu/schemas.js';
import { toCsv } from '../../lib/csv.js';
import { parseForm } from '../../web/forms.js';
import { parseFilters } from '../../web/filters.js';
import { textIn } from './helpers.js';

/** attempts per address and window of «Проверить очередь» (a wrong pair costs one, like a right one) */
export const QUEUE_CHECK_LIMIT = 20;
export const QUEUE_CHECK_WINDOW_MS = 15 * 60_000;

function stamp(d: Date | null): string {
  return d ? astanaDateTime(d).toFormat("yyyy-MM-dd'T'HH:mm:ssZZ") : '';
}

/** The public open data (no login): the released-places protocol, the referrals log, the queue check. */
export function msuOpenDataRoutes(services: WebServices): Router {
  const router = Router();
  const data = services.msu.openData;

  router.get('/open-data', (_req, res) => {
    res.render('pages/msu/open-data/index.njk');
  });

  function query(req: Request) {
    const q = parseFilters(openDataQuery, req);
    const format =
      q.format ?? (req.path.endsWith('.csv') ? 'csv' : req.path.endsWith('.json') ? 'json' : 'html');
    return { q, format, filter: { institutionId: q.institution, from: q.from, to: q.to, page: q.page } };
  }

  /** The current filter as a query string, for the download links and the pages. */
  function qs(q: {
    institution?: number | undefined;
    from?: string | undefined;
    to?: string | undefined;
  }): string {
    const p = new URLSearchParams();
    if (q.institution) p.set('institution', String(q.institution));
    if (q.from) p.set('from', q.from);
    if (q.to) p.set('to', q.to);
    const s = p.toString();
    return s ? `?${s}` : '';
  }

  function download(
    res: Response,
    name: string,
    format: 'csv' | 'json',
    csv: () => string,
    json: () => unknown,
  ) {
    res.setHeader('Cache-Control', 'no-store');
    if (format === 'csv') {
      res.setHeader('Content-Type', 'text/csv; charset=utf-8');
      res.setHeader('Content-Disposition', `attachment; filename="${name}.csv"`);
      res.send(csv());
    } else {
      res.setHeader('Content-Disposition', `attachment; filename="${name}.json"`);
      res.json(json());
    }
  }

  router.get(
    ['/open-data/releases', '/open-data/releases.csv', '/open-data/releases.json'],
    async (req, res) => {
      const { q, format, filter } = query(req);
      const t = req.t;
      if (format !== 'html') {
        const { rows } = await data.releases(filter, { all: true });
        return download(
          res,
          'msu-released-places',
          format,
          () =>
            toCsv(
              [
                t('msu:openData.releases.institution'),
                t('msu:openData.releases.department'),
                t('msu:openData.releases.releasedAt'),
                t('msu:openData.releases.priorityEndsAt'),
                t('msu:openData.releases.queueNumber'),
                t('msu:openData.releases.outcome'),
              ],
              rows.map((r) => [
                r.institution,
                textIn(r.department, req.lang),
                stamp(r.releasedAt),
                stamp(r.priorityEndsAt),
                r.queueNumber,
                t(`msu:outcome.${r.outcome}`),
              ]),
            ),
          () => ({
            dataset: 'msu-released-places',
            generatedAt: stamp(services.clock.now()),
            count: rows.length,
            items: rows.map((r) => ({
              id: r.id,
              institution: r.institution,
              department: textIn(r.department, req.lang),
              profile: r.profile,
              releasedAt: stamp(r.releasedAt),
              cause: r.cause,
              priorityEndsAt: r.priorityEndsAt ? stamp(r.priorityEndsAt) : null,
              queueNumber: r.queueNumber,
              outcome: r.outcome,
              outcomeAt: r.outcomeAt ? stamp(r.outcomeAt) : null,
            })),
          }),
        );
      }
      const [list, institutions] = await Promise.all([data.releases(filter), data.institutions()]);
      res.render('pages/msu/open-data/releases.njk', {
        ...list,
        institutions,
        filter: q,
        page: q.page ?? 1,
        qs: qs(q),
      });
    },
  );

  router.get(
    ['/open-data/referrals', '/open-data/referrals.csv', '/open-data/referrals.json'],
    async (req, res) => {
      const { q, format, filter } = query(req);
      const t = req.t;
      if (format !== 'html') {
        const { rows } = await data.referrals(filter, { all: true });
        return download(
          res,
          'msu-referrals',
          format,
          () =>
            toCsv(
              [
                t('msu:openData.referrals.issuedAt'),
                t('msu:openData.referrals.institution'),
                t('msu:openData.referrals.department'),
                t('msu:openData.referrals.recipient'),
                t('msu:openData.referrals.queueNumber'),
                t('msu:openData.referrals.queuePosition'),
                t('msu:openData.referrals.status'),
              ],
              rows.map((r) => [
                stamp(r.issuedAt),
                r.institution,
                textIn(r.department, req.lang),
                r.recipient,
                r.queueNumber,
                r.queuePosition,
                t(`msu:status.${r.status}`),
              ]),
            ),
          () => ({
            dataset: 'msu-referrals',
            generatedAt: stamp(services.clock.now()),
            count: rows.length,
            items: rows.map((r) => ({
              id: r.id,
              issuedAt: stamp(r.issuedAt),
              institution: r.institution,
              department: textIn(r.department, req.lang),
              profile: r.profile,
              recipient: r.recipient,
              via: r.via,
              queueNumber: r.queueNumber,
              queuePosition: r.queuePosition,
              status: r.status,
            })),
          }),
        );
      }
      const [list, institutions] = await Promise.all([data.referrals(filter), data.institutions()]);
      res.render('pages/msu/open-data/referrals.njk', {
        ...list,
        institutions,
        filter: q,
        page: q.page ?? 1,
        qs: qs(q),
      });
    },
  );

  // ---------------------------------------------------------------- «Проверить очередь»

  const limiter = rateLimit({
    windowMs: QUEUE_CHECK_WINDOW_MS,
    limit: QUEUE_CHECK_LIMIT,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    store: services.rateLimitStore('queue-check:'),
    handler: (_req, _res, next) => next(new AppError('msu:errors.tooManyChecks', 429)),
  });

  router.get('/queue-check', (_req, res) => {
    res.render('pages/msu/open-data/queue-check.njk', { values: {} });
  });

  router.post('/queue-check', limiter, async (req, res) => {
    const form = parseForm(queueCheckForm, req.body);
    if (!form.ok) {
      return res
        .status(400)
        .render('pages/msu/open-data/queue-check.njk', { values: req.body as object, errors: form.errors });
    }
    const result = await data.queueCheck(form.data.number, form.data.birthDate);
    res.render('pages/msu/open-data/queue-check.njk', {
      values: req.body as object,
      result,
      notFound: !result,
    });
  });

  // by the ИИН of the recipient or the applicant (seed 004), under the same limit as by number
  router.post('/queue-check/iin', limiter, async (req, res) => {
    const form = parseForm(queueCheckIinForm, req.body);
    if (!form.ok) {
      return res.status(400).render('pages/msu/open-data/queue-check.njk', {
        values: {},
        iinValues: req.body as object,
        errors: form.errors,
      });
    }
    const entries = await data.queueCheckByIin(form.data.iin);
    res.render('pages/msu/open-data/queue-check.njk', {
      values: {},
      iinValues: req.body as object,
      iinEntries: entries,
    });
  });

  return router;
}
