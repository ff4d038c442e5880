import type { Request, RequestHandler, Response, Router } from 'express';
import type { z } from 'zod';
import { AppError, NotFoundError, ValidationError } from '../../lib/errors.js';
import { actorOf } from '../../web/auth-context.js';
import { flash } from '../../web/flash.js';
import { idParam, parseForm, signedForm, type FormResult } from '../../web/forms.js';
import { renderSignPage } from '../../web/sign-step.js';
import type { GoodsStepsService, StepInput } from '../../modules/goods/order-steps.js';
import type { GoodsAction } from '../../modules/goods/rules.js';
import type { Side } from '../../modules/goods/order-access.js';
import { goodsSignPage, stepRows } from './view-models.js';

/** The goods forms' parse: a field problem without its own text reads «Неверные данные формы.» */
export function parseGoodsForm<S extends z.ZodType>(schema: S, body: unknown): FormResult<z.output<S>> {
  return parseForm(schema, body, 'goods:errors.badRequest');
}

/** A problem the person can fix or should know about (shown on the page), as opposed to a fault. */
export function userError(
  err: unknown,
): { status: number; key: string; params: Record<string, string | number> } | null {
  if (err instanceof ValidationError || err instanceof NotFoundError) return null;
  if (err instanceof AppError && err.status < 500) {
    return {
      status: err.status,
      key: err.code.includes(':') ? err.code : `errors:${err.code}`,
      params: err.params,
    };
  }
  const code =
    typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
  if (code.startsWith('EDS_')) {
    const status = (err as { status?: number }).status ?? 400;
    return { status: status >= 500 ? 400 : status, key: `errors:${code}`, params: {} };
  }
  return null;
}

/** The query string of a filtered list without the page, for pagination links. */
export function queryWithout(query: Record<string, unknown>, drop: string): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(query))
    if (k !== drop && typeof v === 'string' && v !== '') p.set(k, v);
  return p.toString();
}

/** Renders a page again with what went wrong (status and extra locals). */
export type Rerender = (
  req: Request,
  res: Response,
  status: number,
  extra?: Record<string, unknown>,
) => Promise<void>;

/** A page rendered from the request (with a status, and what went wrong over its own locals). */
export function page(template: string, locals: (req: Request) => Promise<Record<string, unknown>>): Rerender {
  return async (req, res, status, extra = {}) => {
    res.status(status).render(template, { ...(await locals(req)), ...extra });
  };
}

/**
 * The routes of an order card, the same for both sides: the card itself, the step's button
 * (its form checked, then the document to sign, or the card again with what is missing) and the
 * signed document coming back (then the card with a flash, or the card with the reason).
 */
export function orderCardRoutes<A extends GoodsAction>(
  router: Router,
  o: {
    side: Side;
    /** '/goods/orders' or '/supplier/orders' */
    base: string;
    guard: RequestHandler;
    steps: GoodsStepsService;
    /** the card's template and its locals */
    template: string;
    card: (req: Request) => Promise<Record<string, unknown>>;
    action: (req: Request) => A;
    schema: (action: A) => z.ZodType<StepInput, unknown>;
    /** what a failed form adds to the card */
    failed?: (action: A) => Record<string, unknown>;
  },
): void {
  const renderCard = page(o.template, o.card);

  router.get(`${o.base}/:id`, o.guard, async (req, res) => {
    await renderCard(req, res, 200);
  });

  router.post(`${o.base}/:id/:action`, o.guard, async (req, res) => {
    const action = o.action(req);
    const id = idParam(req);
    const again = (fields: Record<string, string>) =>
      renderCard(req, res, 400, { errors: fields, values: req.body, ...(o.failed?.(action) ?? {}) });
    const parsed = parseGoodsForm(o.schema(action), req.body);
    if (!parsed.ok) return again(parsed.errors);
    try {
      const step = await o.steps.issueStep(actorOf(req), o.side, id, action, parsed.data, req.lang);
      renderSignPage(
        res,
        goodsSignPage(
          req,
          action,
          step.signRequest,
          stepRows(req, step.summary),
          `${o.base}/${id}/${action}/sign`,
          `${o.base}/${id}`,
        ),
      );
    } catch (err) {
      if (err instanceof ValidationError) return again(err.fields);
      const u = userError(err);
      if (u) return renderCard(req, res, u.status, { actionError: req.t(u.key, u.params) });
      throw err;
    }
  });

  router.post(`${o.base}/:id/:action/sign`, o.guard, async (req, res) => {
    const action = o.action(req);
    const id = idParam(req);
    const parsed = parseGoodsForm(signedForm, req.body);
    if (!parsed.ok) return renderCard(req, res, 400, { actionError: req.t('errors:EDS_NO_SIGNATURE') });
    try {
      const order = await o.steps.applyStep(actorOf(req), o.side, id, action, parsed.data);
      flash(req, `goods:flash.${action}`, { number: order.number });
      res.redirect(303, `${o.base}/${id}`);
    } catch (err) {
      const u = userError(err);
      if (u) return renderCard(req, res, u.status, { actionError: req.t(u.key, u.params) });
      throw err;
    }
  });
}
