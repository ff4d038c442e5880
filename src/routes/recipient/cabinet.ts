import { Router, type Request, type Response } from 'express';
import type { z } from 'zod';
import type { WebServices } from '../../modules/index.js';
import { FieldError } from '../../modules/entitlements/index.js';
import { codeForm, emailForm, phoneForm, preferencesForm } from '../../modules/entitlements/schemas.js';
import { actorOf } from '../../web/auth-context.js';
import { flashAndRedirect } from './redirect.js';
import { profileView, type ProfileView } from './profile-view.js';

export type FormErrors = Record<string, string>;

const TABS = {
  general: 'pages/recipient/cabinet-general.njk',
  documents: 'pages/recipient/cabinet-documents.njk',
  bank: 'pages/recipient/cabinet-bank.njk',
  medical: 'pages/recipient/cabinet-medical.njk',
} as const;

/** Translated field errors of a failed zod parse (the field's own message key, or a general one). */
export function zodErrors(req: Request, error: z.ZodError, messages: Record<string, string>): FormErrors {
  const errors: FormErrors = {};
  for (const issue of error.issues) {
    const field = String(issue.path[0] ?? '');
    if (field && !errors[field]) errors[field] = req.t(messages[field] ?? 'errors:validation');
  }
  return Object.keys(errors).length ? errors : { form: req.t('errors:validation') };
}

/**
 * «Личный кабинет»: four tabs of the person's data (read-only, from the state registries), and the
 * contacts the person edits behind the pen icon: phone (confirmed by an SMS code) and e-mail, plus
 * how and in which language notifications come.
 */
export function cabinetRoutes(services: WebServices): Router {
  const router = Router();
  const cabinet = services.entitlements.cabinet;
  const profileOf = async (req: Request): Promise<ProfileView> =>
    profileView(await cabinet.profile(actorOf(req)));

  async function renderTab(req: Request, res: Response, tab: keyof typeof TABS) {
    const profile = await profileOf(req);
    res.render(TABS[tab], { profile, tab });
  }

  router.get('/cabinet', (req, res) => renderTab(req, res, 'general'));
  router.get('/cabinet/documents', (req, res) => renderTab(req, res, 'documents'));
  router.get('/cabinet/bank', (req, res) => renderTab(req, res, 'bank'));
  router.get('/cabinet/medical', (req, res) => renderTab(req, res, 'medical'));

  // phone: new number → SMS code → confirm
  async function renderPhone(req: Request, res: Response, status = 200, errors?: FormErrors, value = '') {
    const profile = await profileOf(req);
    res.status(status).render('pages/recipient/phone.njk', { profile, errors, value });
  }
  router.get('/cabinet/contacts/phone', (req, res) => renderPhone(req, res));
  router.post('/cabinet/contacts/phone', async (req, res) => {
    const form = phoneForm.safeParse(req.body);
    if (!form.success)
      return renderPhone(
        req,
        res,
        400,
        zodErrors(req, form.error, { phone: 'entitlements:errors.phoneInvalid' }),
      );
    try {
      await cabinet.requestPhoneCode(actorOf(req), form.data.phone);
    } catch (err) {
      if (err instanceof FieldError)
        return renderPhone(req, res, err.status, { [err.field]: req.t(err.code) }, form.data.phone);
      throw err;
    }
    res.redirect(303, '/cabinet/contacts/phone/confirm');
  });

  async function renderConfirm(req: Request, res: Response, status = 200, errors?: FormErrors) {
    const profile = await profileOf(req);
    res.status(status).render('pages/recipient/phone-confirm.njk', { profile, errors });
  }
  router.get('/cabinet/contacts/phone/confirm', (req, res) => renderConfirm(req, res));
  router.post('/cabinet/contacts/phone/confirm', async (req, res) => {
    const form = codeForm.safeParse(req.body);
    if (!form.success)
      return renderConfirm(
        req,
        res,
        400,
        zodErrors(req, form.error, { code: 'entitlements:errors.codeFormat' }),
      );
    try {
      await cabinet.confirmPhone(actorOf(req), form.data.code);
    } catch (err) {
      if (err instanceof FieldError)
        return renderConfirm(req, res, err.status, { [err.field]: req.t(err.code) });
      throw err;
    }
    await flashAndRedirect(req, res, '/cabinet', 'entitlements:flash.phoneChanged');
  });

  // e-mail
  async function renderEmail(req: Request, res: Response, status = 200, errors?: FormErrors, value?: string) {
    const profile = await profileOf(req);
    res
      .status(status)
      .render('pages/recipient/email.njk', { profile, errors, value: value ?? profile.email ?? '' });
  }
  router.get('/cabinet/contacts/email', (req, res) => renderEmail(req, res));
  router.post('/cabinet/contacts/email', async (req, res) => {
    const form = emailForm.safeParse(req.body);
    if (!form.success)
      return renderEmail(
        req,
        res,
        400,
        zodErrors(req, form.error, { email: 'entitlements:errors.emailInvalid' }),
      );
    let email: string | null;
    try {
      ({ email } = await cabinet.changeEmail(actorOf(req), form.data.email));
    } catch (err) {
      if (err instanceof FieldError)
        return renderEmail(req, res, err.status, { [err.field]: req.t(err.code) }, form.data.email);
      throw err;
    }
    await flashAndRedirect(
      req,
      res,
      '/cabinet',
      email ? 'entitlements:flash.emailChanged' : 'entitlements:flash.emailRemoved',
    );
  });

  // notification preferences
  async function renderPreferences(
    req: Request,
    res: Response,
    status = 200,
    errors?: FormErrors,
    value?: Record<string, string>,
  ) {
    const profile = await profileOf(req);
    res.status(status).render('pages/recipient/preferences.njk', {
      profile,
      errors,
      value: value ?? { notifyChannel: profile.notifyChannel, locale: profile.locale },
    });
  }
  router.get('/cabinet/preferences', (req, res) => renderPreferences(req, res));
  router.post('/cabinet/preferences', async (req, res) => {
    const form = preferencesForm.safeParse(req.body);
    const body = req.body as Record<string, string>;
    const value = { notifyChannel: String(body.notifyChannel ?? ''), locale: String(body.locale ?? '') };
    if (!form.success)
      return renderPreferences(
        req,
        res,
        400,
        zodErrors(req, form.error, {
          notifyChannel: 'entitlements:errors.channelRequired',
          locale: 'entitlements:errors.localeRequired',
        }),
        value,
      );
    try {
      await cabinet.setPreferences(actorOf(req), {
        notifyChannel: form.data.notifyChannel,
        locale: form.data.locale,
      });
    } catch (err) {
      if (err instanceof FieldError)
        return renderPreferences(req, res, err.status, { [err.field]: req.t(err.code) }, value);
      throw err;
    }
    await flashAndRedirect(req, res, '/cabinet', 'entitlements:flash.preferencesSaved');
  });

  return router;
}
