import { Router } from 'express';
import { z } from 'zod';
import type { WebServices } from '../../modules/index.js';
import { ValidationError } from '../../lib/errors.js';
import { actorOf, requireRole } from '../../web/auth-context.js';
import { flash } from '../../web/flash.js';
import { UPLOADS, acceptUploads, uploadsOf } from '../../web/uploads.js';
import { goodsForm, locationForm, stockForm } from '../../modules/goods/schemas.js';
import { idParam } from '../../web/forms.js';
import { DIRECTIONS, FULFILMENTS, KZ_REGIONS, LOCATION_KINDS } from '../../modules/goods/rules.js';
import { formatTiyn } from '../../lib/money.js';
import { page, parseGoodsForm as parseForm } from './helpers.js';

const employee = requireRole('employee');

/** Form values of a goods row, as the form shows them (price in tenge). */
function goodsValues(g: {
  help_type: string;
  name: string;
  characteristics: string;
  price_tiyn: number;
  accompanying_service: boolean;
  delivery_options: string[];
  regions: string[];
  active: boolean;
}) {
  return {
    helpType: g.help_type,
    name: g.name,
    characteristics: g.characteristics,
    price: formatTiyn(g.price_tiyn).replace(/\s*₸$/, ''),
    accompanyingService: g.accompanying_service ? 'yes' : 'no',
    deliveryOptions: g.delivery_options,
    regions: g.regions,
    active: g.active ? 'yes' : 'no',
  };
}

/** Checkbox values as a list whether one or several were ticked. */
function asList(v: unknown): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v.map(String) : [String(v)];
}

function formValues(body: Record<string, unknown>) {
  return { ...body, deliveryOptions: asList(body.deliveryOptions), regions: asList(body.regions) };
}

const toggleForm = z.strictObject({ _csrf: z.string().optional(), active: z.enum(['yes', 'no']) });

/** «Кабинет поставщика»: organisation card, catalogue, photos, stock, locations. */
export function supplierCabinetRoutes(services: WebServices): Router {
  const router = Router();
  const catalogue = services.goods.catalogue;
  const options = {
    fulfilments: FULFILMENTS,
    regions: KZ_REGIONS,
    locationKinds: LOCATION_KINDS,
    directions: DIRECTIONS,
  };

  router.get('/supplier', employee, async (req, res) => {
    const card = await catalogue.card(actorOf(req));
    res.render('pages/goods/supplier/index.njk', card);
  });

  router.get('/supplier/goods', employee, async (req, res) => {
    const data = await catalogue.catalogue(actorOf(req));
    res.render('pages/goods/supplier/goods.njk', data);
  });

  const renderNew = page('pages/goods/supplier/goods-new.njk', async () => ({
    ...options,
    kinds: await catalogue.kinds(),
    values: { accompanyingService: 'no', active: 'yes', deliveryOptions: [], regions: [] },
  }));

  router.get('/supplier/goods/new', employee, async (req, res) => {
    await catalogue.assertSeller(actorOf(req)); // only ТСР sellers keep a catalogue
    await renderNew(req, res, 200);
  });

  router.post('/supplier/goods', employee, async (req, res) => {
    await catalogue.assertSeller(actorOf(req));
    const parsed = parseForm(goodsForm, req.body);
    if (!parsed.ok) return renderNew(req, res, 400, { errors: parsed.errors, values: formValues(req.body) });
    try {
      const g = await catalogue.createGoods(actorOf(req), parsed.data);
      flash(req, 'goods:flash.goodsCreated', { name: g.name });
      res.redirect(303, `/supplier/goods/${g.id}`);
    } catch (err) {
      if (err instanceof ValidationError)
        return renderNew(req, res, 400, { errors: err.fields, values: formValues(req.body) });
      throw err;
    }
  });

  const renderEdit = page('pages/goods/supplier/goods-edit.njk', async (req) => {
    const data = await catalogue.goodsForEdit(actorOf(req), idParam(req));
    return { ...options, ...data, values: goodsValues(data.goods) };
  });

  router.get('/supplier/goods/:id', employee, async (req, res) => {
    await renderEdit(req, res, 200);
  });

  router.post('/supplier/goods/:id', employee, async (req, res) => {
    const id = idParam(req);
    const parsed = parseForm(goodsForm, req.body);
    if (!parsed.ok) return renderEdit(req, res, 400, { errors: parsed.errors, values: formValues(req.body) });
    try {
      await catalogue.updateGoods(actorOf(req), id, parsed.data);
      flash(req, 'goods:flash.goodsSaved', { name: parsed.data.name });
      res.redirect(303, `/supplier/goods/${id}`);
    } catch (err) {
      if (err instanceof ValidationError)
        return renderEdit(req, res, 400, { errors: err.fields, values: formValues(req.body) });
      throw err;
    }
  });

  const photo = acceptUploads(services.config.dataDir, UPLOADS.goodsPhoto);
  router.post('/supplier/goods/:id/photos', employee, photo, async (req, res) => {
    const id = idParam(req);
    const files = uploadsOf(req);
    const parsed = z.strictObject({ _csrf: z.string().optional() }).safeParse(req.body ?? {});
    if (!parsed.success || files.length > 1 || files.some((f) => f.fieldname !== 'photo')) {
      return renderEdit(req, res, 400, { photoErrors: { photo: 'goods:errors.photoOne' } });
    }
    try {
      await catalogue.uploadPhoto(actorOf(req), id, files[0]);
      flash(req, 'goods:flash.photoAdded');
      res.redirect(303, `/supplier/goods/${id}#photos`);
    } catch (err) {
      if (err instanceof ValidationError) return renderEdit(req, res, 400, { photoErrors: err.fields });
      throw err;
    }
  });

  router.post('/supplier/goods/:id/photos/:photoId/delete', employee, async (req, res) => {
    const id = idParam(req);
    await catalogue.deletePhoto(actorOf(req), id, idParam(req, 'photoId'));
    flash(req, 'goods:flash.photoRemoved');
    res.redirect(303, `/supplier/goods/${id}#photos`);
  });

  router.post('/supplier/goods/:id/stock', employee, async (req, res) => {
    const id = idParam(req);
    const parsed = parseForm(stockForm, req.body);
    if (!parsed.ok) return renderEdit(req, res, 400, { stockErrors: parsed.errors, stockValues: req.body });
    try {
      await catalogue.setStock(actorOf(req), id, parsed.data);
      flash(req, 'goods:flash.stockSaved');
      res.redirect(303, `/supplier/goods/${id}#stock`);
    } catch (err) {
      if (err instanceof ValidationError)
        return renderEdit(req, res, 400, { stockErrors: err.fields, stockValues: req.body });
      throw err;
    }
  });

  const renderLocations = page('pages/goods/supplier/locations.njk', async (req) => ({
    ...options,
    ...(await catalogue.locations(actorOf(req))),
    values: { kind: 'warehouse' },
  }));

  router.get('/supplier/locations', employee, async (req, res) => {
    await renderLocations(req, res, 200);
  });

  router.post('/supplier/locations', employee, async (req, res) => {
    const parsed = parseForm(locationForm, req.body);
    if (!parsed.ok) return renderLocations(req, res, 400, { errors: parsed.errors, values: req.body });
    const l = await catalogue.addLocation(actorOf(req), parsed.data);
    flash(req, 'goods:flash.locationAdded', { name: l.name });
    res.redirect(303, '/supplier/locations');
  });

  router.post('/supplier/locations/:id/active', employee, async (req, res) => {
    const parsed = parseForm(toggleForm, req.body);
    if (!parsed.ok) return renderLocations(req, res, 400);
    await catalogue.setLocationActive(actorOf(req), idParam(req), parsed.data.active === 'yes');
    flash(req, parsed.data.active === 'yes' ? 'goods:flash.locationOn' : 'goods:flash.locationOff');
    res.redirect(303, '/supplier/locations');
  });

  return router;
}
