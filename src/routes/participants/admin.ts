import { Router, type Request } from 'express';
import type { WebServices } from '../../modules/index.js';
import { actorOf, requireRole } from '../../web/auth-context.js';
import { flash } from '../../web/flash.js';
import { idParam, parseForm, signedForm } from '../../web/forms.js';
import { parseReason, renderReasonPage, renderSignPage, type ReasonPage } from '../../web/sign-step.js';
import { AppError } from '../../lib/errors.js';
import { standingReasonForm } from '../../modules/participants/schemas.js';
import type { StandingAction, Subject } from '../../modules/participants/rules.js';
import type { IssuedSignRequest } from '../../modules/signing/signing-service.js';

const admin = requireRole('admin');
const WITH_REASON = ['suspend', 'exclude'] as const;

/**
 * The administrator's suspension and exclusion of organisations and specialists (docs/participants.md):
 * a reason (suspend, exclude) → the document signed with the administrator's key → the change.
 */
export function standingRoutes(services: WebServices): Router {
  const router = Router();
  const standing = services.participants.standing;
  const registry = services.specialistServices.registry;

  router.get('/admin/organisations', admin, async (req, res) => {
    res.render('pages/participants/admin-organisations.njk', {
      organisations: await standing.organisations(actorOf(req)),
    });
  });

  // GET /admin/organisations/:id is the organisation card (registration.ts), which shows the standing
  // and its actions beside the registry data and the directions

  /** Where each subject's pages live, what its target is called, and how its steps are made. */
  const SUBJECTS: Record<
    Subject,
    {
      base: (id: number) => string;
      back: (id: number) => string;
      name: (req: Request, id: number, action: StandingAction) => Promise<string>;
      issue: (
        req: Request,
        id: number,
        action: StandingAction,
        reason: string,
      ) => Promise<{ signRequest: IssuedSignRequest; name: string; to: string }>;
      apply: (req: Request, id: number, action: StandingAction) => Promise<unknown>;
    }
  > = {
    organisation: {
      base: (id) => `/admin/organisations/${id}`,
      back: (id) => `/admin/organisations/${id}`,
      name: async (req, id, action) => (await standing.target(actorOf(req), id, action)).organisation.name,
      issue: async (req, id, action, reason) => {
        const s = await standing.issue(actorOf(req), id, action, reason);
        return { signRequest: s.signRequest, name: s.organisation.name, to: s.to };
      },
      apply: (req, id, action) => {
        const form = parseForm(signedForm, req.body);
        if (!form.ok) throw new AppError('EDS_NO_SIGNATURE', 400);
        return standing.apply(actorOf(req), id, action, form.data);
      },
    },
    specialist: {
      base: (id) => `/admin/specialists/entries/${id}`,
      back: () => '/admin/specialists',
      name: async (req, id, action) => {
        const { entry } = await registry.standingTarget(actorOf(req), id, action);
        return [entry.surname, entry.name, entry.patronymic].filter(Boolean).join(' ');
      },
      issue: async (req, id, action, reason) => {
        const s = await registry.issueStanding(actorOf(req), id, action, reason);
        const name = [s.entry.surname, s.entry.name, s.entry.patronymic].filter(Boolean).join(' ');
        return { signRequest: s.signRequest, name, to: s.to };
      },
      apply: (req, id, action) => {
        const form = parseForm(signedForm, req.body);
        if (!form.ok) throw new AppError('EDS_NO_SIGNATURE', 400);
        return registry.applyStanding(actorOf(req), id, action, form.data);
      },
    },
  };

  for (const subject of ['organisation', 'specialist'] as const) {
    const s = SUBJECTS[subject];
    const path = subject === 'organisation' ? '/admin/organisations/:id' : '/admin/specialists/entries/:id';

    async function reasonPage(req: Request, id: number, action: StandingAction): Promise<ReasonPage> {
      const t = req.t;
      return {
        caption: await s.name(req, id, action),
        title: t(`staff:standingStep.${subject}.${action}.title`),
        lead: t(`staff:standingStep.${subject}.${action}.lead`),
        reason: { label: t('staff:standingStep.reason'), hint: t('staff:standingStep.reasonHint') },
        formAction: `${s.base(id)}/${action}`,
        submitLabel: t('staff:sign.button'),
        backHref: s.back(id),
      };
    }

    async function signPage(
      req: Request,
      res: Parameters<typeof renderSignPage>[0],
      id: number,
      action: StandingAction,
      reason: string,
    ) {
      const t = req.t;
      const step = await s.issue(req, id, action, reason);
      renderSignPage(res, {
        signRequest: step.signRequest,
        action: `${s.base(id)}/${action}/sign`,
        caption: step.name,
        title: t(`staff:standingStep.${subject}.${action}.title`),
        rows: [
          { key: t('staff:field.status'), value: t(`staff:standing.${step.to}`) },
          ...(reason ? [{ key: t('staff:standingStep.reason'), value: reason }] : []),
        ],
        hint: t('staff:standingStep.hint'),
        buttonLabel: t('staff:sign.button'),
        cancelHref: s.back(id),
      });
    }

    for (const action of WITH_REASON) {
      router.get(`${path}/${action}`, admin, async (req, res) => {
        renderReasonPage(res, await reasonPage(req, idParam(req), action));
      });
      router.post(`${path}/${action}`, admin, async (req, res) => {
        const id = idParam(req);
        const form = await parseReason(req, res, standingReasonForm, () => reasonPage(req, id, action));
        if (!form) return;
        await signPage(req, res, id, action, form.reason);
      });
    }
    router.post(`${path}/resume`, admin, async (req, res) => {
      await signPage(req, res, idParam(req), 'resume', '');
    });
    for (const action of [...WITH_REASON, 'resume'] as const) {
      router.post(`${path}/${action}/sign`, admin, async (req, res) => {
        const id = idParam(req);
        await s.apply(req, id, action);
        flash(req, `staff:flash.standing.${action}`);
        res.redirect(303, s.back(id));
      });
    }
  }

  return router;
}
