import { ValidationError } from '../../lib/errors.js';

/** Runs a step whose refusal names form fields: the form is shown again with them (400); other errors go on. */
export async function renderWithFieldErrors(
  run: () => Promise<void>,
  again: (errors: Record<string, string>) => Promise<void>,
): Promise<void> {
  try {
    await run();
  } catch (err) {
    if (err instanceof ValidationError) return again(err.fields);
    throw err;
  }
}
