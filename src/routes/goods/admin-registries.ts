import { Router, type Request } from 'express';
import type { WebServices } from '../../modules/index.js';
import { NotFoundError } from '../../lib/errors.js';
import { formatTiyn } from '../../lib/money.js';
import { actorOf, requireRole } from '../../web/auth-context.js';
import { flash } from '../../web/flash.js';
import { tsrKindForm } from '../../modules/goods/schemas.js';
import { idParam } from '../../web/forms.js';
import { DIRECTIONS } from '../../modules/goods/rules.js';
import { page, parseGoodsForm as parseForm } from './helpers.js';

const admin = requireRole('admin');

function codeParam(req: Request): string {
  const v = req.params.code;
  if (typeof v !== 'string' || !/^[A-Z][A-Z0-9_]{1,63}$/.test(v)) throw new NotFoundError();
  return v;
}

/** The administrator's registries of ТСР kinds (guaranteed sums) and suppliers (directions; their standing is set on /admin/organisations). */
export function adminRegistryRoutes(services: WebServices): Router {
  const router = Router();
  const registry = services.goods.admin;

  router.get('/admin/tsr-kinds', admin, async (_req, res) => {
    res.render('pages/goods/supplier/admin-tsr-kinds.njk', { kinds: await registry.tsrKinds() });
  });

  const renderKind = page('pages/goods/supplier/admin-tsr-kind.njk', async (req) => {
    const kind = await registry.tsrKind(codeParam(req));
    return {
      kind: { code: kind.code, names: { ru: kind.name_ru, kk: kind.name_kk, en: kind.name_en } },
      values: {
        guaranteedSum: formatTiyn(kind.guaranteed_sum_tiyn ?? 0).replace(/\s*₸$/, ''),
        accompanyingService: kind.accompanying_service ? 'yes' : 'no',
        active: kind.active ? 'yes' : 'no',
      },
    };
  });

  router.get('/admin/tsr-kinds/:code', admin, async (req, res) => {
    await renderKind(req, res, 200);
  });

  router.post('/admin/tsr-kinds/:code', admin, async (req, res) => {
    const code = codeParam(req);
    const parsed = parseForm(tsrKindForm, req.body);
    if (!parsed.ok) return renderKind(req, res, 400, { errors: parsed.errors, values: req.body });
    await registry.updateTsrKind(actorOf(req), code, parsed.data);
    flash(req, 'goods:flash.kindSaved');
    res.redirect(303, '/admin/tsr-kinds');
  });

  router.get('/admin/suppliers', admin, async (_req, res) => {
    res.render('pages/goods/supplier/admin-suppliers.njk', { suppliers: await registry.suppliers() });
  });

  const renderSupplier = page('pages/goods/supplier/admin-supplier.njk', async (req) => {
    const org = await registry.supplier(idParam(req));
    return {
      org: {
        id: org.id,
        bin: org.bin,
        name: org.name,
        head: org.head,
        activityCode: org.activity_code,
        status: org.status,
      },
      directions: DIRECTIONS,
      values: { directions: org.directions },
    };
  });

  router.get('/admin/suppliers/:id', admin, async (req, res) => {
    await renderSupplier(req, res, 200);
  });

  return router;
}
