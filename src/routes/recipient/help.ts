import { Router } from 'express';
import { z } from 'zod';
import type { WebServices } from '../../modules/index.js';
import { NotFoundError } from '../../lib/errors.js';
import { id } from '../../lib/schema-blocks.js';
import { actorOf } from '../../web/auth-context.js';
import { flashAndRedirect } from './redirect.js';

const measureId = id();
const activationForm = z.strictObject({ _csrf: z.string().optional() });

/** «Помощь для вас»: the IPR measures with the action that fits each, and «Активировать выбор поставщика». */
export function helpRoutes(services: WebServices): Router {
  const router = Router();
  const help = services.entitlements.help;

  router.get('/help', async (req, res) => {
    const page = await help.page(actorOf(req), req.lang);
    res.render('pages/recipient/help.njk', { page });
  });

  router.post('/help/measures/:id/activate', async (req, res) => {
    const id = measureId.safeParse(req.params.id);
    if (!id.success || !activationForm.safeParse(req.body).success) throw new NotFoundError();
    const result = await help.requestActivation(actorOf(req), id.data);
    await flashAndRedirect(
      req,
      res,
      `/help#measure-${id.data}`,
      result === 'requested'
        ? 'entitlements:flash.activationRequested'
        : 'entitlements:flash.activationAlreadyPending',
      result === 'requested' ? 'success' : 'info',
    );
  });

  return router;
}
