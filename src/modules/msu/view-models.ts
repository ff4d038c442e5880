/**
 * What the МСУ pages show, built from the rows: camelCase view models with the status's tone and the
 * steps the machine allows. Texts stay keys and words in each language; routes and templates
 * translate.
 */
import type { OrderEventRow, OrderRow } from '../orders/orders-repository.js';
import { fullName } from '../people/names.js';
import type {
  DepartmentRow,
  InstitutionRow,
  MsuRepository,
  PositionChangeRow,
  ReleaseRow,
} from './repository.js';
import { msuMachine, type AgeGroup, type DepartmentSex, type Profile, type Texts } from './rules.js';
import type { Tone } from '../orders/state-machine.js';

export type { Texts };

interface PersonLike {
  surname: string;
  name: string;
  patronymic: string | null;
}

/** The institution and department a step is about (the summary above a document to sign). */
export interface PlaceView {
  institutionId: number;
  institution: string;
  departmentId: number;
  department: Texts;
  profile: Profile;
  sex: DepartmentSex;
  ageGroup: AgeGroup;
  /** region, address */
  address: string;
  phone: string | null;
  arrivalInfo: Texts;
  recipient: string | null;
}

export function placeView(inst: InstitutionRow, dept: DepartmentRow, person?: PersonLike | null): PlaceView {
  return {
    institutionId: inst.id,
    institution: inst.name,
    departmentId: dept.id,
    department: dept.name,
    profile: dept.profile,
    sex: dept.sex,
    ageGroup: dept.age_group,
    address: `${inst.region}, ${inst.address}`,
    phone: inst.phone,
    arrivalInfo: inst.arrival_info,
    recipient: person ? fullName(person) : null,
  };
}

export interface DepartmentView {
  id: number;
  institutionId: number;
  name: Texts;
  profile: Profile;
  sex: DepartmentSex;
  ageGroup: AgeGroup;
  bedsTotal: number;
  free: number;
  /** beds held, offered or lived in */
  occupied: number;
  freeConfirmedAt: Date;
  active: boolean;
  queueLength: number;
}

export function departmentView(d: DepartmentRow, queueLength = 0): DepartmentView {
  return {
    id: d.id,
    institutionId: d.institution_id,
    name: d.name,
    profile: d.profile,
    sex: d.sex,
    ageGroup: d.age_group,
    bedsTotal: d.beds_total,
    free: d.free,
    occupied: d.beds_total - d.free,
    freeConfirmedAt: d.free_confirmed_at,
    active: d.active,
    queueLength,
  };
}

export interface InstitutionView {
  id: number;
  name: string;
  description: Texts;
  region: string;
  locality: string;
  address: string;
  phone: string | null;
  email: string | null;
  workingHours: string;
  active: boolean;
}

export function institutionView(i: InstitutionRow): InstitutionView {
  return {
    id: i.id,
    name: i.name,
    description: i.description,
    region: i.region,
    locality: i.locality,
    address: i.address,
    phone: i.phone,
    email: i.email,
    workingHours: i.working_hours,
    active: i.active,
  };
}

export interface HistoryView {
  at: Date;
  action: string;
  toStatus: string;
  actorName: string | null;
  reason: string | null;
  signedDocumentId: number | null;
}

export function historyView(
  events: readonly (OrderEventRow & { actor_name: string | null })[],
): HistoryView[] {
  return events.map((e) => ({
    at: e.at,
    action: e.action,
    toStatus: e.to_status,
    actorName: e.actor_name,
    reason: e.reason,
    signedDocumentId: e.signed_document_id,
  }));
}

export interface OrderSummary {
  id: number;
  number: string;
  status: string;
  tone: Tone;
  createdAt: Date;
  isOpen: boolean;
}

export function orderSummary(o: OrderRow): OrderSummary {
  return {
    id: o.id,
    number: o.number,
    status: o.status,
    tone: msuMachine.tone(o.status),
    createdAt: o.created_at,
    isOpen: o.is_open,
  };
}

/** A row of the recipient's list of МСУ orders. */
export function orderListItem(o: OrderRow) {
  const d = o.details as { institution?: string; department?: string };
  return { ...orderSummary(o), institution: d.institution ?? '', department: d.department ?? '' };
}

export interface PositionChangeView {
  at: Date;
  from: number;
  to: number;
  reason: PositionChangeRow['reason'];
}

export function positionChangeView(c: PositionChangeRow): PositionChangeView {
  return { at: c.at, from: c.from_position, to: c.to_position, reason: c.reason };
}

/** The offered place's priority window (the order card's banner). */
export function offerView(r: ReleaseRow | null | undefined): { until: Date | null } | null {
  return r ? { until: r.priority_ends_at } : null;
}

export interface BedChangeView {
  at: Date;
  oldTotal: number;
  newTotal: number;
  oldFree: number;
  newFree: number;
  offered: number;
  actorName: string | null;
  source: string;
  reason: string;
  signedDocumentId: number | null;
}

export function bedChangeView(h: Awaited<ReturnType<MsuRepository['bedChanges']>>[number]): BedChangeView {
  return {
    at: h.at,
    oldTotal: h.old_total,
    newTotal: h.new_total,
    oldFree: h.old_free,
    newFree: h.new_free,
    offered: h.offered,
    actorName: h.actor_name,
    source: h.source,
    reason: h.reason,
    signedDocumentId: h.signed_document_id,
  };
}
