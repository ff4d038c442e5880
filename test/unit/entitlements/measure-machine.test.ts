import { describe, expect, it } from 'vitest';
import {
  LIVE_MEASURE_STATUSES,
  MEASURE_STATUSES,
  initialMeasureStatus,
  measureMachine,
  measureStatusTone,
  measureStep,
  statusAfterVolumeChange,
  volumeChange,
} from '../../../src/modules/entitlements/rules.js';

describe('the IPR measure machine', () => {
  it('knows only the five statuses of the table ipr_measures', () => {
    expect([...MEASURE_STATUSES].sort()).toEqual(
      ['activation_pending', 'choice_blocked', 'closed', 'fulfilled', 'open'].sort(),
    );
    for (const s of measureMachine.statuses()) expect(MEASURE_STATUSES).toContain(s);
  });

  it('walks every row: each change leads from its statuses to its one target', () => {
    const table = measureMachine.transitions.flatMap((t) => t.from.map((f) => [f, t.action, t.to]));
    expect(table).toEqual([
      ['open', 'block_choice', 'choice_blocked'],
      ['choice_blocked', 'request_activation', 'activation_pending'],
      ['activation_pending', 'reopen', 'open'],
      ['open', 'exhaust', 'fulfilled'],
      ['choice_blocked', 'exhaust', 'fulfilled'],
      ['activation_pending', 'exhaust', 'fulfilled'],
      ['fulfilled', 'replenish', 'open'],
    ]);
    for (const [from, action, to] of table) expect(measureStep(from as never, action as never)).toBe(to);
  });

  it('refuses a change the table does not have', () => {
    expect(() => measureStep('open', 'reopen')).toThrow();
    expect(() => measureStep('fulfilled', 'block_choice')).toThrow();
    for (const a of ['block_choice', 'request_activation', 'reopen', 'exhaust', 'replenish'] as const)
      expect(measureMachine.find('closed', a)).toBeUndefined();
  });

  it('only the recipient or the guardian acts by hand (activation); the rest is the system', () => {
    expect(measureMachine.actionsFor('choice_blocked', ['recipient'])).toEqual(['request_activation']);
    expect(measureMachine.actionsFor('choice_blocked', ['guardian'])).toEqual(['request_activation']);
    expect(measureMachine.actionsFor('choice_blocked', ['admin', 'operator', 'employee'])).toEqual([]);
    expect(measureMachine.actionsFor('open', ['recipient', 'guardian'])).toEqual([]);
  });

  it('starts open, or fulfilled without volume; closed is the end', () => {
    expect(initialMeasureStatus(5)).toBe('open');
    expect(initialMeasureStatus(0)).toBe('fulfilled');
    expect(measureMachine.initial).toEqual(['open', 'fulfilled']);
    expect(measureMachine.isOpen('closed')).toBe(false);
    expect(LIVE_MEASURE_STATUSES).toEqual(['open', 'choice_blocked', 'activation_pending', 'fulfilled']);
  });

  it('a new volume from Е-Собес replenishes or exhausts through the table', () => {
    expect(volumeChange('fulfilled', 10, 5)).toBe('replenish');
    expect(volumeChange('open', 5, 5)).toBe('exhaust');
    expect(volumeChange('choice_blocked', 5, 5)).toBe('exhaust');
    expect(volumeChange('activation_pending', 5, 5)).toBeNull();
    expect(volumeChange('open', 0, 0)).toBeNull();
    expect(statusAfterVolumeChange('choice_blocked', 5, 5)).toBe('fulfilled');
  });

  it('gives each status a tone', () => {
    expect(measureMachine.tone('open')).toBe('open');
    expect(measureMachine.tone('choice_blocked')).toBe('warning');
    expect(measureMachine.tone('fulfilled')).toBe('done');
    expect(measureMachine.tone('closed')).toBe('closed');
  });
});

describe('the tone beside a measure on «Помощь для вас»', () => {
  it('warns while choice waits, shows done when fulfilled, closed when closed, open otherwise', () => {
    expect(measureStatusTone('choiceBlocked')).toBe('warning');
    expect(measureStatusTone('activationPending')).toBe('warning');
    expect(measureStatusTone('fulfilled')).toBe('done');
    expect(measureStatusTone('closed')).toBe('closed');
    for (const k of ['assigned', 'choiceOpen', 'ordered'] as const) expect(measureStatusTone(k)).toBe('open');
  });
});
