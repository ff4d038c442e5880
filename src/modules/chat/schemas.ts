import { z } from 'zod';
import * as blocks from '../../lib/schema-blocks.js';
import { isValidIin } from '../../lib/iin.js';
import { MAX_MESSAGE_CHARS } from './rules.js';

/** One strict schema per form of the chat and of requests from other channels; messages are text keys. */
const csrf = { _csrf: z.string().optional() };

export const INVALID = 'chat:errors.invalid';

export const messageForm = z
  .object({
    ...csrf,
    message: blocks.text({
      max: MAX_MESSAGE_CHARS,
      multiline: true,
      required: 'chat:errors.empty',
      tooLong: 'chat:errors.tooLong',
    }),
  })
  .strict();

const contactName = blocks.text({ max: 200, tooLong: 'chat:errors.nameLong' });
const contact = blocks.text({ max: 200, tooLong: 'chat:errors.contactLong' });

export const handOffForm = z
  .object({ ...csrf, contact_name: contactName.optional(), contact: contact.optional() })
  .strict();

export const toRequestForm = z
  .object({
    ...csrf,
    description: blocks.text({
      max: 4000,
      min: 10,
      multiline: true,
      required: 'support:errors.descriptionRequired',
      tooShort: 'support:errors.descriptionShort',
      tooLong: 'support:errors.descriptionLong',
    }),
    contact: contact.optional(),
  })
  .strict();

export const deskQuery = z.object({ show: blocks.filterChoice(['open', 'all'] as const) }).partial();

/** The public form: who, how to answer, what happened (the screenshots come as files). */
export const publicRequestForm = z
  .object({
    ...csrf,
    contact_name: blocks.text({
      max: 200,
      required: 'chat:errors.nameRequired',
      tooLong: 'chat:errors.nameLong',
    }),
    contact: blocks.text({
      max: 200,
      required: 'chat:errors.contactRequired',
      tooLong: 'chat:errors.contactLong',
    }),
    description: blocks.text({
      max: 4000,
      min: 10,
      multiline: true,
      required: 'support:errors.descriptionRequired',
      tooShort: 'support:errors.descriptionShort',
      tooLong: 'support:errors.descriptionLong',
    }),
    location: blocks.text({ max: 500, tooLong: 'support:errors.locationLong' }),
  })
  .strict();

export const RECORDED_CHANNELS = ['phone', 'messenger'] as const;

/** A request the operator records from a phone call or a messenger. */
export const recordForm = z
  .object({
    ...csrf,
    channel: blocks.oneOf(RECORDED_CHANNELS, 'chat:errors.channelRequired'),
    contact_name: blocks.text({ max: 200, tooLong: 'chat:errors.nameLong' }),
    contact: blocks.text({
      max: 200,
      required: 'chat:errors.contactRequired',
      tooLong: 'chat:errors.contactLong',
    }),
    caller_iin: blocks
      .text({ max: 12, tooLong: 'chat:errors.iin' })
      .refine((s) => s === '' || isValidIin(s), { error: 'chat:errors.iin' }),
    received_at: blocks.optionalLocalDateTime(),
    description: blocks.text({
      max: 4000,
      min: 10,
      multiline: true,
      required: 'support:errors.descriptionRequired',
      tooShort: 'support:errors.descriptionShort',
      tooLong: 'support:errors.descriptionLong',
    }),
  })
  .strict();
