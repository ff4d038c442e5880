import type { Knex } from 'knex';
import { organisationByKey, REGIONS } from '../src/devstand/people.js';

/**
 * The dev stand's ТСР catalogue: stationary points and warehouses of the four ТСР sellers, goods of
 * every ТСР kind with stock, so that each kind is offered in each of the three demo regions (with and
 * without a surcharge, with and without an accompanying service).
 */
interface SeedLocation {
  key: string;
  org: string;
  kind: 'stationary' | 'warehouse';
  name: string;
  region: string;
  locality: string;
  address: string;
  phone: string;
}

interface SeedGoods {
  org: string;
  helpType: string;
  name: string;
  characteristics: string;
  priceTiyn: number;
  accompanying: boolean;
  options: ('courier' | 'pickup' | 'stationary' | 'home')[];
  regions: string[];
  stock: Record<string, number>;
}

const AST = REGIONS.astana;
const ALA = REGIONS.almaty;
const KAR = REGIONS.karaganda;

const LOCATIONS: SeedLocation[] = [
  {
    key: 'ortho-st',
    org: 'sup-ortho',
    kind: 'stationary',
    name: 'Ортопедический салон «Ортомед» на Республики',
    region: AST,
    locality: 'г. Астана',
    address: 'пр. Республики, 24',
    phone: '+77172600511',
  },
  {
    key: 'ortho-wh',
    org: 'sup-ortho',
    kind: 'warehouse',
    name: 'Склад «Ортомед» на Алаш',
    region: AST,
    locality: 'г. Астана',
    address: 'шоссе Алаш, 52',
    phone: '+77172600512',
  },
  {
    key: 'surdo-st',
    org: 'sup-surdo',
    kind: 'stationary',
    name: 'Центр слухопротезирования «Сурдотехника»',
    region: ALA,
    locality: 'г. Алматы',
    address: 'ул. Толе би, 59',
    phone: '+77272600611',
  },
  {
    key: 'surdo-wh',
    org: 'sup-surdo',
    kind: 'warehouse',
    name: 'Склад «Сурдотехника» на Рыскулова',
    region: ALA,
    locality: 'г. Алматы',
    address: 'пр. Рыскулова, 140',
    phone: '+77272600612',
  },
  {
    key: 'san-st',
    org: 'sup-sanatorium',
    kind: 'stationary',
    name: 'Отделение медтехники санатория «Сарыарка»',
    region: KAR,
    locality: 'г. Караганда',
    address: 'ул. Гоголя, 51',
    phone: '+77212600711',
  },
  {
    key: 'san-wh',
    org: 'sup-sanatorium',
    kind: 'warehouse',
    name: 'Склад медтехники в Караганде',
    region: KAR,
    locality: 'г. Караганда',
    address: 'ул. Складская, 3',
    phone: '+77212600712',
  },
  {
    key: 'san-wh2',
    org: 'sup-sanatorium',
    kind: 'warehouse',
    name: 'Пункт выдачи в Темиртау',
    region: KAR,
    locality: 'г. Темиртау',
    address: 'пр. Металлургов, 30',
    phone: '+77213600713',
  },
  {
    key: 'care-wh',
    org: 'sup-care',
    kind: 'warehouse',
    name: 'Склад «Забота и помощь» в Астане',
    region: AST,
    locality: 'г. Астана',
    address: 'ул. Сыганак, 10',
    phone: '+77172600811',
  },
  {
    key: 'care-wh2',
    org: 'sup-care',
    kind: 'warehouse',
    name: 'Пункт выдачи «Забота и помощь» в Алматы',
    region: ALA,
    locality: 'г. Алматы',
    address: 'ул. Жибек Жолы, 115',
    phone: '+77272600812',
  },
];

const GOODS: SeedGoods[] = [
  // sup-ortho (Астана): протезы и обувь с услугой, коляски и трости без неё
  {
    org: 'sup-ortho',
    helpType: 'TSR_PROSTHESIS',
    name: 'Протез голени модульный «Ортомед-М2»',
    characteristics:
      'Модульный протез голени с углепластиковой стопой.\nИзготовление гильзы по слепку, примерка и подгонка в салоне.\nГарантия 2 года.',
    priceTiyn: 52_000_000,
    accompanying: true,
    options: ['stationary', 'home'],
    regions: [AST, ALA],
    stock: { 'ortho-st': 3 },
  },
  {
    org: 'sup-ortho',
    helpType: 'TSR_ORTHO_SHOES',
    name: 'Ортопедическая обувь «Комфорт», пара',
    characteristics:
      'Сложная ортопедическая обувь по индивидуальной колодке.\nРазмеры 35–46. Снятие мерок и примерка в салоне.',
    priceTiyn: 3_200_000,
    accompanying: true,
    options: ['stationary', 'home'],
    regions: [AST, ALA],
    stock: { 'ortho-st': 10 },
  },
  {
    org: 'sup-ortho',
    helpType: 'TSR_WHEELCHAIR',
    name: 'Кресло-коляска комнатная «Ortonica Base 130»',
    characteristics:
      'Ширина сиденья 46 см, складная рама, съёмные подлокотники.\nМаксимальная нагрузка 120 кг. Вес 17 кг.',
    priceTiyn: 13_500_000,
    accompanying: false,
    options: ['courier', 'pickup'],
    regions: [AST, KAR],
    stock: { 'ortho-wh': 4 },
  },
  {
    org: 'sup-ortho',
    helpType: 'TSR_WHITE_CANE',
    name: 'Трость тактильная складная 120 см',
    characteristics: 'Алюминий, 4 секции, светоотражающие полосы, наконечник-ролик.',
    priceTiyn: 550_000,
    accompanying: false,
    options: ['courier', 'pickup'],
    regions: [AST],
    stock: { 'ortho-wh': 15 },
  },
  // sup-surdo (Алматы): слуховые аппараты с настройкой, трости
  {
    org: 'sup-surdo',
    helpType: 'TSR_HEARING_AID',
    name: 'Слуховой аппарат заушный цифровой «Signia Intuis 4»',
    characteristics: 'Цифровой заушный аппарат, 16 каналов, подавление шума.\nПодбор и настройка сурдологом.',
    priceTiyn: 8_600_000,
    accompanying: true,
    options: ['stationary'],
    regions: [ALA, AST],
    stock: { 'surdo-st': 6 },
  },
  {
    org: 'sup-surdo',
    helpType: 'TSR_HEARING_AID',
    name: 'Слуховой аппарат сверхмощный «Phonak Naida P30»',
    characteristics:
      'Для тяжёлой и глубокой потери слуха.\nПодбор и настройка сурдологом, выезд на дом по согласованию.',
    priceTiyn: 11_500_000,
    accompanying: true,
    options: ['stationary', 'home'],
    regions: [ALA],
    stock: { 'surdo-st': 2 },
  },
  {
    org: 'sup-surdo',
    helpType: 'TSR_WHITE_CANE',
    name: 'Трость тактильная «Ambutech» 130 см',
    characteristics: 'Графит, 5 секций, сменный наконечник.',
    priceTiyn: 600_000,
    accompanying: false,
    options: ['courier', 'pickup'],
    regions: [ALA, AST, KAR],
    stock: { 'surdo-wh': 20 },
  },
  // sup-sanatorium (Караганда): всё для своего региона
  {
    org: 'sup-sanatorium',
    helpType: 'TSR_WHEELCHAIR',
    name: 'Кресло-коляска комнатная «Армед H 035»',
    characteristics: 'Ширина сиденья 45 см, складная, литые задние колёса.\nМаксимальная нагрузка 100 кг.',
    priceTiyn: 11_800_000,
    accompanying: false,
    options: ['courier', 'pickup'],
    regions: [KAR, AST],
    stock: { 'san-wh': 3, 'san-wh2': 2 },
  },
  {
    org: 'sup-sanatorium',
    helpType: 'TSR_PROSTHESIS',
    name: 'Протез голени лечебно-тренировочный',
    characteristics:
      'Гильза из термопластика, стопа SACH.\nИзготовление и обучение ходьбе в отделении медтехники.',
    priceTiyn: 43_000_000,
    accompanying: true,
    options: ['stationary'],
    regions: [KAR],
    stock: { 'san-st': 2 },
  },
  {
    org: 'sup-sanatorium',
    helpType: 'TSR_ORTHO_SHOES',
    name: 'Ортопедическая обувь на сложную деформацию стопы',
    characteristics: 'Индивидуальное изготовление, примерка в отделении.',
    priceTiyn: 3_900_000,
    accompanying: true,
    options: ['stationary', 'home'],
    regions: [KAR],
    stock: { 'san-st': 5 },
  },
  {
    org: 'sup-sanatorium',
    helpType: 'TSR_HEARING_AID',
    name: 'Слуховой аппарат заушный «Widex Moment 110»',
    characteristics: 'Цифровой, 5 каналов, настройка в отделении.',
    priceTiyn: 8_900_000,
    accompanying: true,
    options: ['stationary'],
    regions: [KAR],
    stock: { 'san-st': 4 },
  },
  {
    org: 'sup-sanatorium',
    helpType: 'TSR_DIAPERS',
    name: 'Подгузники для взрослых «Seni Super», размер L, 30 шт.',
    characteristics: 'Впитываемость 2 500 мл, дышащие боковины.',
    priceTiyn: 1_150_000,
    accompanying: false,
    options: ['courier', 'pickup'],
    regions: [KAR],
    stock: { 'san-wh': 40, 'san-wh2': 25 },
  },
  // sup-care (Астана, Алматы): средства ухода и коляски
  {
    org: 'sup-care',
    helpType: 'TSR_DIAPERS',
    name: 'Подгузники для взрослых «Tena Slip Plus», размер M, 30 шт.',
    characteristics: 'Впитываемость 2 200 мл, индикатор наполнения.',
    priceTiyn: 1_350_000,
    accompanying: false,
    options: ['courier', 'pickup'],
    regions: [AST, ALA, KAR],
    stock: { 'care-wh': 60, 'care-wh2': 35 },
  },
  {
    org: 'sup-care',
    helpType: 'TSR_WHEELCHAIR',
    name: 'Кресло-коляска комнатная облегчённая «Мега-Оптим 511A»',
    characteristics: 'Алюминиевая рама, вес 13 кг, ширина сиденья 43 см.',
    priceTiyn: 12_900_000,
    accompanying: false,
    options: ['courier', 'pickup'],
    regions: [ALA, AST],
    stock: { 'care-wh': 2, 'care-wh2': 3 },
  },
  {
    org: 'sup-care',
    helpType: 'TSR_WHITE_CANE',
    name: 'Трость тактильная опорная',
    characteristics: 'Опорная трость белого цвета с тактильным наконечником.',
    priceTiyn: 480_000,
    accompanying: false,
    options: ['courier', 'pickup'],
    regions: [AST, ALA],
    stock: { 'care-wh': 12 },
  },
];

export async function seed(knex: Knex): Promise<void> {
  const orgIds = new Map<string, number>();
  for (const key of new Set([...LOCATIONS.map((l) => l.org), ...GOODS.map((g) => g.org)])) {
    const row = (await knex('organisations')
      .where({ bin: organisationByKey(key).bin })
      .first('id')) as { id: number } | undefined;
    if (!row) throw new Error(`organisation ${key} is not seeded`);
    orgIds.set(key, row.id);
  }
  const locationIds = new Map<string, number>();
  for (const l of LOCATIONS) {
    const [row] = (await knex('goods_locations')
      .insert({
        organisation_id: orgIds.get(l.org)!,
        kind: l.kind,
        name: l.name,
        region: l.region,
        locality: l.locality,
        address: l.address,
        phone: l.phone,
      })
      .returning('id')) as { id: number }[];
    locationIds.set(l.key, row!.id);
  }
  for (const g of GOODS) {
    const [row] = (await knex('goods')
      .insert({
        organisation_id: orgIds.get(g.org)!,
        help_type: g.helpType,
        name: g.name,
        characteristics: g.characteristics,
        price_tiyn: g.priceTiyn,
        accompanying_service: g.accompanying,
        delivery_options: g.options,
        regions: g.regions,
        active: true,
      })
      .returning('id')) as { id: number }[];
    for (const [loc, quantity] of Object.entries(g.stock)) {
      await knex('goods_stock').insert({
        goods_id: row!.id,
        location_id: locationIds.get(loc)!,
        quantity,
        reserved: 0,
      });
    }
  }
}
