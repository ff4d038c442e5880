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

  /**
   * One contact form: GET shows it; POST parses it and saves (the save answers the request). Parse
   * errors and a FieldError of the save show the form again with its errors.
   */
  function contactForm<T>(
    path: string,
    form: {
      template: string;
      schema: z.ZodType<T>;
      messages: Record<string, string>;
      /** what the fields show; `data` is the parsed form after a FieldError, undefined otherwise */
      value?: (profile: ProfileView, req: Request, data?: T) => unknown;
      save: (req: Request, res: Response, data: T) => Promise<void>;
    },
  ) {
    async function render(req: Request, res: Response, status = 200, errors?: FormErrors, data?: T) {
      const profile = await profileOf(req);
      res.status(status).render(form.template, { profile, errors, value: form.value?.(profile, req, data) });
    }
    router.get(path, (req, res) => render(req, res));
    router.post(path, async (req, res) => {
      const parsed = form.schema.safeParse(req.body);
      if (!parsed.success) return render(req, res, 400, zodErrors(req, parsed.error, form.messages));
      try {
        await form.save(req, res, parsed.data);
      } catch (err) {
        if (err instanceof FieldError)
          return render(req, res, err.status, { [err.field]: req.t(err.code) }, parsed.data);
        throw err;
      }
    });
  }

  // phone: new number → SMS code → confirm
  contactForm('/cabinet/contacts/phone', {
    template: 'pages/recipient/phone.njk',
    schema: phoneForm,
    messages: { phone: 'entitlements:errors.phoneInvalid' },
    value: (_profile, _req, data) => data?.phone ?? '',
    save: async (req, res, data) => {
      await cabinet.requestPhoneCode(actorOf(req), data.phone);
      res.redirect(303, '/cabinet/contacts/phone/confirm');
    },
  });
  contactForm('/cabinet/contacts/phone/confirm', {
    template: 'pages/recipient/phone-confirm.njk',
    schema: codeForm,
    messages: { code: 'entitlements:errors.codeFormat' },
    save: async (req, res, data) => {
      await cabinet.confirmPhone(actorOf(req), data.code);
      await flashAndRedirect(req, res, '/cabinet', 'entitlements:flash.phoneChanged');
    },
  });

  // e-mail
  contactForm('/cabinet/contacts/email', {
    template: 'pages/recipient/email.njk',
    schema: emailForm,
    messages: { email: 'entitlements:errors.emailInvalid' },
    value: (profile, _req, data) => data?.email ?? profile.email ?? '',
    save: async (req, res, data) => {
      const { email } = await cabinet.changeEmail(actorOf(req), data.email);
      await flashAndRedirect(
        req,
        res,
        '/cabinet',
        email ? 'entitlements:flash.emailChanged' : 'entitlements:flash.emailRemoved',
      );
    },
  });

  // notification preferences (a failed form shows what was sent)
  contactForm('/cabinet/preferences', {
    template: 'pages/recipient/preferences.njk',
    schema: preferencesForm,
    messages: {
      notifyChannel: 'entitlements:errors.channelRequired',
      locale: 'entitlements:errors.localeRequired',
    },
    value: (profile, req) => {
      if (req.method !== 'POST') return { notifyChannel: profile.notifyChannel, locale: profile.locale };
      const body = req.body as Record<string, string>;
      return { notifyChannel: String(body.notifyChannel ?? ''), locale: String(body.locale ?? '') };
    },
    save: async (req, res, data) => {
      await cabinet.setPreferences(actorOf(req), { notifyChannel: data.notifyChannel, locale: data.locale });
      await flashAndRedirect(req, res, '/cabinet', 'entitlements:flash.preferencesSaved');
    },
  });

  return router;
}
