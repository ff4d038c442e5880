import type { TFunction } from 'i18next';
import type { CsvColumn } from '../admin/csv-export.js';
import type { UnreachableView } from '../../modules/outreach/repository.js';

/** The notice's text in the reader's language (the key and params it was to be sent with). */
export function noticeText(t: TFunction, r: Pick<UnreachableView, 'notice_key' | 'params'>): string {
  return t(r.notice_key, { ...r.params, defaultValue: r.notice_key });
}

function address(r: UnreachableView): string {
  const a = r.address ?? {};
  return [a.locality ?? r.locality, a.street, a.house, a.flat ? `кв. ${a.flat}` : undefined]
    .filter(Boolean)
    .join(', ');
}

export function rowVm(t: TFunction, r: UnreachableView) {
  return {
    id: r.id,
    fullName: [r.surname, r.name, r.patronymic].filter(Boolean).join(' '),
    iin: r.iin,
    address: address(r),
    text: noticeText(t, r),
    object: r.object_type ? t(`outreach:objects.${r.object_type}`, { defaultValue: r.object_type }) : '',
    objectId: r.object_id,
    createdAt: r.created_at,
    notified: Boolean(r.notified_at),
    notifiedAt: r.notified_at,
    method: r.notified_method,
    note: r.notified_note ?? '',
    notifiedBy: r.notified_by_name ?? '',
  };
}
export type OutreachRowVm = ReturnType<typeof rowVm>;

/** The export's columns (headings are text keys, translated for the reader). */
export function exportColumns(t: TFunction): CsvColumn<OutreachRowVm>[] {
  return [
    ['outreach:field.person', (r) => r.fullName],
    ['outreach:field.iin', (r) => r.iin],
    ['outreach:field.address', (r) => r.address],
    ['outreach:field.notice', (r) => r.text],
    ['outreach:field.object', (r) => (r.object ? `${r.object} № ${r.objectId ?? ''}` : '')],
    ['outreach:field.createdAt', (r) => r.createdAt],
    ['outreach:field.status', (r) => t(r.notified ? 'outreach:state.notified' : 'outreach:state.open')],
    ['outreach:field.method', (r) => (r.method ? t(`outreach:method.${r.method}`) : '')],
    ['outreach:field.notifiedAt', (r) => r.notifiedAt],
    ['outreach:field.notifiedBy', (r) => r.notifiedBy],
    ['outreach:field.note', (r) => r.note],
  ];
}
