import { Router } from 'express';
import type { WebServices } from '../../modules/index.js';
import { chatRoutes } from './visitor.js';
import { chatDeskRoutes } from './desk.js';
import { intakeRoutes } from './intake.js';

/**
 * The chat with the contact centre and requests from every channel. Mounted before the
 * administration's routers: /support/report is public (the participant's /support/:id pages need a
 * login), and the console lives under the operators' desk (/admin/support/chat, /admin/support/record).
 */
export function chatAreaRoutes(services: WebServices): Router {
  const router = Router();
  router.use(chatRoutes(services));
  router.use(intakeRoutes(services));
  router.use('/admin/support/chat', chatDeskRoutes(services));
  return router;
}
