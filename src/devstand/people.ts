/**
 * The dev stand's demo people and organisations: one deterministic list used by the PKI generator
 * (a key pair for everybody), the person-registry and mobile-base adapters, and the demo seeds.
 */
import { makeBin, makeIin } from '../lib/iin.js';
import type { Direction, KzRegion } from '../modules/directory/lists.js';
import type { RegistryPerson } from '../integrations/ports.js';

export type DemoRole = 'recipient' | 'guardian' | 'specialist' | 'employee' | 'admin' | 'local_executive';
/** The help types of an IPR measure (migrations' HELP_TYPES). */
export type DemoHelpType =
  | 'MSU'
  | 'UZHYA'
  | 'UIP'
  | 'SANATORIUM'
  | 'TSR_WHEELCHAIR'
  | 'TSR_PROSTHESIS'
  | 'TSR_ORTHO_SHOES'
  | 'TSR_HEARING_AID'
  | 'TSR_WHITE_CANE'
  | 'TSR_DIAPERS'
  | 'PAYMENT_SPECIAL'
  | 'PAYMENT_TRANSPORT'
  // special social services recommended to the elderly (migration 20261206400200)
  | 'SSU_HOME'
  | 'SSU_DAY'
  | 'SSU_TEMP';
export type SpecialistKind = 'UZHYA' | 'UIP';

export interface DemoAddress {
  region: string;
  locality: string;
  street: string;
  house: string;
  flat?: string;
}

export interface DemoPerson extends Pick<
  RegistryPerson,
  'iin' | 'surname' | 'name' | 'patronymic' | 'birthDate' | 'sex'
> {
  key: string;
  roles: DemoRole[];
  address: DemoAddress;
  phone: string;
  email?: string;
  /** for guardians: keys of their wards (the dev guardianship registry's guardianships in force) */
  wards?: string[];
  /** for guardians: guardianships the registry holds as ended (the ward's key and the day it ended) */
  endedWards?: { ward: string; endedOn: string }[];
  /**
   * for recipients: a person with a disability (an ИПР) or a person unable to care for themselves
   * because of old age (recommended special social services); a disability by default
   */
  category?: 'disability' | 'elderly';
  /** the address of temporary registration the person registry holds, if any */
  temporaryAddress?: DemoAddress & { validUntil?: string };
  /** for employees: the organisation's key */
  org?: string;
  /** for specialists */
  specialistKind?: SpecialistKind;
  /** the health registry has this person on a psychiatric dispensary record */
  dispensaryRecord?: boolean;
  /** the mobile citizens base (БМГ) has no phone for the person: notices go to the local executive body */
  noPhone?: true;
  /** for employees of a local executive body (`local_executive`): the region they serve */
  executiveRegion?: KzRegion;
  /** the person is registered as an individual entrepreneur (the entrepreneur registry's answer) */
  entrepreneur?: DemoEntrepreneur;
  /** for specialists who work for an organisation (its key): ordered through it, assigned by it */
  worksFor?: string;
  pendingExclusion?: boolean;
  /** for recipients: the help types of the measures in their IPR (the demo seed gives exactly these) */
  measures: DemoHelpType[];
  /** a short line shown on the dev stand's start page; for recipients it names their IPR's measures */
  note: string;
}

export interface DemoOrganisation {
  key: string;
  bin: string;
  name: string;
  head: string;
  address: DemoAddress;
  activityCode: string;
  directions: Direction[];
  phone: string;
  /**
   * false: the organisation exists in the state registry (and its head has a legal-entity key) but
   * not in the portal's database: it has still to register (seeds skip it)
   */
  registered?: false;
  /** false: not even the legal-entity registry knows the БИН (the «unknown BIN» case) */
  inRegistry?: false;
  /** what the dev legal-entity registry answers beyond the defaults it derives */
  registry?: {
    shortName?: string;
    otherActivityCodes?: string[];
    ownershipForm?: string;
    formation?: string;
    registeredOn?: string;
    status?: 'active' | 'liquidated';
    founders?: { name: string; iin: string; citizenship: string }[];
    premises?: {
      address: string;
      right: 'ownership' | 'lease';
      purpose: string;
      registeredOn: string;
      validUntil?: string;
    }[];
  };
}

/** An individual entrepreneur's registration as the dev entrepreneur registry answers it. */
export interface DemoEntrepreneur {
  name: string;
  registeredOn: string;
  registrationNumber: string;
  taxAuthority: string;
  activityCode: string;
  otherActivityCodes: string[];
  status?: 'active' | 'terminated';
}

/** The three regions of the demo data, named from the domain's list. */
export const REGIONS = {
  astana: 'г. Астана',
  almaty: 'г. Алматы',
  karaganda: 'Карагандинская область',
} as const satisfies Record<string, KzRegion>;

const A = (region: string, locality: string, street: string, house: string, flat?: string): DemoAddress => ({
  region,
  locality,
  street,
  house,
  ...(flat ? { flat } : {}),
});

export const ORGANISATIONS: DemoOrganisation[] = [
  {
    key: 'msu-astana',
    bin: makeBin('2005-03', 1101),
    name: 'КГУ «Центр оказания специальных социальных услуг № 1» г. Астана',
    head: 'Сейтқали Айгүл Маратқызы',
    address: A(REGIONS.astana, 'г. Астана', 'ул. Кенесары', '40'),
    activityCode: '87301',
    directions: ['special_social_services'],
    phone: '+77172500101',
  },
  {
    key: 'msu-almaty',
    bin: makeBin('2007-06', 1202),
    name: 'КГУ «Дом-интернат для престарелых и лиц с инвалидностью общего типа» г. Алматы',
    head: 'Ермеков Данияр Серикович',
    address: A(REGIONS.almaty, 'г. Алматы', 'пр. Абая', '115'),
    activityCode: '87301',
    directions: ['special_social_services'],
    phone: '+77272500202',
  },
  {
    key: 'msu-karaganda',
    bin: makeBin('2003-09', 1303),
    name: 'КГУ «Карагандинский психоневрологический медико-социальный центр»',
    head: 'Ким Виктор Алексеевич',
    address: A(REGIONS.karaganda, 'г. Караганда', 'ул. Ерубаева', '18'),
    activityCode: '87301',
    directions: ['special_social_services'],
    phone: '+77212500303',
  },
  {
    key: 'msu-temirtau',
    bin: makeBin('2010-01', 1404),
    name: 'КГУ «Темиртауский центр социального обслуживания»',
    head: 'Абдрахманова Салтанат Ержановна',
    address: A(REGIONS.karaganda, 'г. Темиртау', 'пр. Металлургов', '7'),
    activityCode: '87301',
    directions: ['special_social_services'],
    phone: '+77213500404',
  },
  {
    key: 'sup-ortho',
    bin: makeBin('2012-04', 2101),
    name: 'ТОО «Ортомед Астана»',
    head: 'Жумабаев Ерлан Кайратович',
    address: A(REGIONS.astana, 'г. Астана', 'пр. Республики', '24'),
    activityCode: '47741',
    directions: ['tsr_sales'],
    phone: '+77172600501',
  },
  {
    key: 'sup-surdo',
    bin: makeBin('2014-11', 2202),
    name: 'ТОО «Сурдотехника KZ»',
    head: 'Байжанова Гульнара Болатовна',
    address: A(REGIONS.almaty, 'г. Алматы', 'ул. Толе би', '59'),
    activityCode: '47741',
    directions: ['tsr_sales', 'sign_language'],
    phone: '+77272600602',
  },
  {
    key: 'sup-sanatorium',
    bin: makeBin('2009-05', 2303),
    name: 'АО «Санаторий Сарыарка и Медтехника»',
    head: 'Омаров Нурлан Асетович',
    address: A(REGIONS.karaganda, 'г. Караганда', 'ул. Гоголя', '51'),
    activityCode: '86101',
    directions: ['tsr_sales', 'sanatorium'],
    phone: '+77212600703',
  },
  {
    key: 'sup-care',
    bin: makeBin('2016-02', 2404),
    name: 'ТОО «Забота и помощь»',
    head: 'Тлеубергенова Асель Муратовна',
    address: A(REGIONS.astana, 'г. Астана', 'ул. Сыганак', '10'),
    activityCode: '88101',
    directions: ['tsr_sales', 'individual_assistant', 'special_social_services'],
    phone: '+77172600804',
  },
  // registration of suppliers: known to the state registry, not (yet) to the portal
  {
    key: 'new-care',
    bin: makeBin('2019-08', 3101),
    name: 'Товарищество с ограниченной ответственностью «Мейірім Care»',
    head: 'Нұрланова Жанар Болатқызы',
    address: A(REGIONS.astana, 'г. Астана', 'ул. Достык', '5'),
    activityCode: '88101',
    directions: [],
    phone: '+77172700901',
    registered: false,
    registry: {
      shortName: 'ТОО «Мейірім Care»',
      otherActivityCodes: ['87301', '47741'],
      ownershipForm: 'Частная собственность',
      formation: 'Вновь созданное',
      registeredOn: '2019-08-14',
      founders: [
        {
          name: 'Нұрланова Жанар Болатқызы',
          iin: makeIin('1985-03-12', 'F', 1000 + 57 * 7),
          citizenship: 'Республика Казахстан',
        },
        {
          name: 'Ахметов Ерлан Серикович',
          iin: makeIin('1979-06-05', 'M', 9101),
          citizenship: 'Республика Казахстан',
        },
      ],
      premises: [
        {
          address: 'г. Астана, ул. Достык, 5, н.п. 3',
          right: 'lease',
          purpose: 'Оказание социальных услуг, хранение товаров',
          registeredOn: '2024-01-10',
          validUntil: '2027-01-09',
        },
      ],
    },
  },
  {
    key: 'new-closed',
    bin: makeBin('2011-02', 3202),
    name: 'Товарищество с ограниченной ответственностью «Старт Сервис»',
    head: 'Петренко Игорь Васильевич',
    address: A(REGIONS.almaty, 'г. Алматы', 'ул. Жибек Жолы', '64'),
    activityCode: '47741',
    directions: [],
    phone: '+77272700902',
    registered: false,
    registry: { shortName: 'ТОО «Старт Сервис»', status: 'liquidated', formation: 'Вновь созданное' },
  },
  {
    key: 'new-unknown',
    bin: makeBin('2021-10', 3303),
    name: 'ТОО «Неизвестная компания»',
    head: 'Серикбаев Арман Нурланович',
    address: A(REGIONS.karaganda, 'г. Караганда', 'ул. Бухар-Жырау', '2'),
    activityCode: '88101',
    directions: [],
    phone: '+77212700903',
    registered: false,
    inRegistry: false,
  },
  // registration of suppliers: a ТСР seller (main ОКЭД 47.74.1) known to the state registry, not to
  // the portal; its head registers it, adds an employee, the employee publishes goods (browser journey)
  {
    key: 'new-ortho',
    bin: makeBin('2020-05', 3404),
    name: 'Товарищество с ограниченной ответственностью «Жебе Ортопедия»',
    head: 'Сагиндыкова Айжан Ерлановна',
    address: A(REGIONS.astana, 'г. Астана', 'ул. Бейбітшілік', '25'),
    activityCode: '47741',
    directions: [],
    phone: '+77172700904',
    registered: false,
    registry: {
      shortName: 'ТОО «Жебе Ортопедия»',
      otherActivityCodes: ['32501'],
      ownershipForm: 'Частная собственность',
      formation: 'Вновь созданное',
      registeredOn: '2020-05-20',
      founders: [
        {
          name: 'Сагындыков Ерлан Маратович',
          iin: makeIin('1976-02-02', 'M', 9303),
          citizenship: 'Республика Казахстан',
        },
      ],
      premises: [
        {
          address: 'г. Астана, ул. Бейбітшілік, 25, н.п. 1',
          right: 'ownership',
          purpose: 'Розничная торговля ортопедическими товарами, склад',
          registeredOn: '2020-06-01',
        },
      ],
    },
  },
  // sanatorium-resort treatment (issue 17): two sanatoriums in Акмолинская область beside sup-sanatorium
  {
    key: 'san-north',
    bin: makeBin('2010-04', 5101),
    name: 'ТОО «Санаторий Бурабай-Шипагер»',
    head: 'Жакупов Серик Амангельдыевич',
    address: A('Акмолинская область', 'г. Щучинск', 'ул. Курортная', '3'),
    activityCode: '86101',
    directions: ['sanatorium'],
    phone: '+77163600901',
  },
  {
    key: 'san-lake',
    bin: makeBin('2012-07', 5202),
    name: 'АО «Санаторий Көкшетау-Жасыл»',
    head: 'Ермекова Дина Кайратовна',
    address: A('Акмолинская область', 'г. Кокшетау', 'ул. Озёрная', '12'),
    activityCode: '86101',
    directions: ['sanatorium'],
    phone: '+77162600902',
  },
  // special social services by contract (docs/contracts.md): home care in Astana, day care in Karaganda
  {
    key: 'ssu-home-north',
    bin: makeBin('2015-09', 2505),
    name: 'ТОО «Шапағат» — уход на дому',
    head: 'Ахметова Роза Кайратовна',
    address: A(REGIONS.astana, 'г. Астана', 'ул. Сарыарка', '31'),
    activityCode: '88101',
    directions: ['special_social_services'],
    phone: '+77172600905',
  },
  {
    key: 'ssu-day-karaganda',
    bin: makeBin('2011-04', 2606),
    name: 'КГУ «Центр дневного пребывания «Қамқор»» г. Караганды',
    head: 'Сулейменов Марат Жанатович',
    address: A(REGIONS.karaganda, 'г. Караганда', 'пр. Бухар жырау', '52'),
    activityCode: '88101',
    directions: ['special_social_services'],
    phone: '+77212600906',
  },
];

/** A demo person as written below: the IIN and phone are derived, measures default to none. */
type Seed = Omit<DemoPerson, 'iin' | 'phone' | 'measures'> & { measures?: DemoHelpType[] };

const AST = REGIONS.astana;
const ALA = REGIONS.almaty;
const KAR = REGIONS.karaganda;

const SEEDS: Seed[] = [
  // recipients (20): three regions, several localities
  {
    key: 'r01',
    surname: 'ТЕСТОВ',
    name: 'ТЕСТ',
    patronymic: 'ТЕСТОВИЧ',
    birthDate: '1960-05-12',
    sex: 'M',
    roles: ['recipient'],
    address: A(AST, 'г. Астана', 'ул. Бейбітшілік', '12', '45'),
    email: 'testov@example.kz',
    measures: [
      'MSU',
      'UZHYA',
      'UIP',
      'SANATORIUM',
      'TSR_WHEELCHAIR',
      'TSR_PROSTHESIS',
      'TSR_ORTHO_SHOES',
      'TSR_HEARING_AID',
      'TSR_WHITE_CANE',
      'TSR_DIAPERS',
      'PAYMENT_SPECIAL',
      'PAYMENT_TRANSPORT',
    ],
    note: '',
  },
  {
    key: 'r02',
    surname: 'АХМЕТОВА',
    name: 'АЙГЕРІМ',
    patronymic: 'СЕРІКҚЫЗЫ',
    birthDate: '1975-02-03',
    sex: 'F',
    roles: ['recipient'],
    address: A(AST, 'г. Астана', 'пр. Абая', '3', '17'),
    measures: ['MSU', 'UZHYA', 'UIP', 'TSR_WHEELCHAIR', 'TSR_PROSTHESIS'],
    note: '',
  },
  {
    key: 'r03',
    surname: 'ИВАНОВ',
    name: 'ПЕТР',
    patronymic: 'СЕРГЕЕВИЧ',
    birthDate: '1948-11-30',
    sex: 'M',
    roles: ['recipient'],
    address: A(AST, 'г. Астана', 'ул. Сарыарка', '8', '2'),
    measures: ['MSU', 'UZHYA', 'UIP', 'TSR_WHEELCHAIR', 'TSR_PROSTHESIS', 'TSR_DIAPERS'],
    note: 'в очереди в МСУ',
  },
  {
    key: 'r04',
    surname: 'НУРЛАНОВ',
    name: 'АСЛАН',
    patronymic: 'БЕРИКОВИЧ',
    birthDate: '1988-07-21',
    sex: 'M',
    roles: ['recipient'],
    address: A(AST, 'г. Астана', 'ул. Кабанбай батыра', '21', '101'),
    measures: ['MSU', 'UIP', 'TSR_WHEELCHAIR', 'TSR_PROSTHESIS'],
    note: '',
  },
  {
    key: 'r05',
    surname: 'СМАГУЛОВА',
    name: 'ДИНАРА',
    patronymic: 'АМАНОВНА',
    birthDate: '1953-01-09',
    sex: 'F',
    roles: ['recipient'],
    address: A(AST, 'г. Косшы', 'ул. Республики', '5'),
    measures: ['MSU', 'TSR_WHEELCHAIR'],
    note: 'в очереди в МСУ',
  },
  {
    key: 'r06',
    surname: 'ПЕТРОВА',
    name: 'ЕЛЕНА',
    patronymic: 'ВИКТОРОВНА',
    birthDate: '1942-09-14',
    sex: 'F',
    roles: ['recipient'],
    address: A(AST, 'г. Астана', 'ул. Достык', '13', '7'),
    measures: ['MSU'],
    note: 'подопечная',
  },
  {
    key: 'r07',
    surname: 'ЖАКУПОВ',
    name: 'ЕРЖАН',
    birthDate: '2015-04-02',
    sex: 'M',
    roles: ['recipient'],
    address: A(AST, 'г. Астана', 'ул. Иманова', '19', '56'),
    measures: ['TSR_PROSTHESIS', 'TSR_DIAPERS'],
    note: 'подопечный (ребёнок)',
  },
  {
    key: 'r08',
    surname: 'КАСЫМОВ',
    name: 'БАУЫРЖАН',
    patronymic: 'ТАЛГАТОВИЧ',
    birthDate: '1970-12-25',
    sex: 'M',
    roles: ['recipient'],
    address: A(ALA, 'г. Алматы', 'ул. Жандосова', '60', '12'),
    measures: ['MSU', 'UZHYA', 'TSR_WHITE_CANE'],
    note: '',
  },
  {
    key: 'r09',
    surname: 'ЛИ',
    name: 'МАРИНА',
    patronymic: 'ВАДИМОВНА',
    birthDate: '1965-03-18',
    sex: 'F',
    roles: ['recipient'],
    address: A(ALA, 'г. Алматы', 'мкр. Самал-2', '33', '14'),
    measures: ['TSR_HEARING_AID', 'TSR_WHITE_CANE'],
    note: '',
  },
  {
    key: 'r10',
    surname: 'ОМАРОВА',
    name: 'ГУЛЬНАР',
    patronymic: 'ЕРЛАНОВНА',
    birthDate: '1958-08-08',
    sex: 'F',
    roles: ['recipient'],
    address: A(ALA, 'г. Алматы', 'ул. Розыбакиева', '247', '88'),
    measures: ['MSU'],
    note: 'получил место в МСУ из очереди',
  },
  {
    key: 'r11',
    surname: 'СЕРГЕЕВ',
    name: 'АНДРЕЙ',
    patronymic: 'НИКОЛАЕВИЧ',
    birthDate: '1982-06-06',
    sex: 'M',
    roles: ['recipient'],
    address: A(ALA, 'г. Алматы', 'ул. Тимирязева', '42', '3'),
    measures: ['UIP'],
    note: '',
  },
  {
    key: 'r12',
    surname: 'ТУРСЫНОВА',
    name: 'ЖАНАР',
    birthDate: '2012-10-10',
    sex: 'F',
    roles: ['recipient'],
    address: A(ALA, 'г. Алматы', 'ул. Саина', '2', '40'),
    measures: ['UZHYA'],
    note: 'подопечная (ребёнок)',
  },
  {
    key: 'r13',
    surname: 'БЕКОВ',
    name: 'НУРЖАН',
    patronymic: 'АСКАРОВИЧ',
    birthDate: '1979-01-27',
    sex: 'M',
    roles: ['recipient'],
    address: A(ALA, 'г. Каскелен', 'ул. Наурызбай батыра', '11'),
    measures: ['TSR_WHITE_CANE', 'TSR_DIAPERS'],
    note: 'окно выбора поставщика ТСР закрыто',
  },
  {
    key: 'r14',
    surname: 'ВОЛКОВА',
    name: 'ТАТЬЯНА',
    patronymic: 'ИГОРЕВНА',
    birthDate: '1950-04-04',
    sex: 'F',
    roles: ['recipient'],
    address: A(KAR, 'г. Караганда', 'пр. Бухар-Жырау', '49', '21'),
    measures: ['MSU'],
    note: 'в очереди в МСУ',
  },
  {
    key: 'r15',
    surname: 'ДЖАКСЫБЕКОВ',
    name: 'САКЕН',
    patronymic: 'МУРАТОВИЧ',
    birthDate: '1968-09-01',
    sex: 'M',
    roles: ['recipient'],
    address: A(KAR, 'г. Караганда', 'ул. Ермекова', '30', '9'),
    measures: ['UZHYA', 'UIP', 'TSR_WHEELCHAIR', 'TSR_HEARING_AID', 'TSR_WHITE_CANE', 'TSR_DIAPERS'],
    note: '',
  },
  {
    key: 'r16',
    surname: 'КУЗНЕЦОВ',
    name: 'ОЛЕГ',
    patronymic: 'ПАВЛОВИЧ',
    birthDate: '1945-02-15',
    sex: 'M',
    roles: ['recipient'],
    address: A(KAR, 'г. Темиртау', 'ул. Мира', '4', '60'),
    measures: ['MSU', 'UZHYA', 'UIP', 'TSR_WHEELCHAIR', 'TSR_PROSTHESIS', 'TSR_DIAPERS'],
    note: 'подопечный',
  },
  {
    key: 'r17',
    surname: 'МУКАНОВА',
    name: 'АЛИЯ',
    patronymic: 'ЖАНБОЛАТОВНА',
    birthDate: '1991-11-11',
    sex: 'F',
    roles: ['recipient'],
    address: A(KAR, 'г. Темиртау', 'пр. Республики', '15', '31'),
    measures: ['UIP'],
    note: '',
  },
  {
    key: 'r18',
    surname: 'ЕСЕНОВ',
    name: 'ДАУРЕН',
    patronymic: 'КАНАТОВИЧ',
    birthDate: '1985-05-05',
    sex: 'M',
    roles: ['recipient'],
    address: A(KAR, 'г. Караганда', 'ул. Гапеева', '1', '77'),
    measures: ['TSR_ORTHO_SHOES'],
    note: '',
  },
  {
    key: 'r19',
    surname: 'ПАК',
    name: 'СВЕТЛАНА',
    patronymic: 'ЮРЬЕВНА',
    birthDate: '1962-07-19',
    sex: 'F',
    roles: ['recipient'],
    address: A(KAR, 'п. Топар', 'ул. Ленина', '6'),
    measures: ['SANATORIUM'],
    note: '',
  },
  {
    key: 'r20',
    surname: 'АБДУЛЛАЕВ',
    name: 'РУСТАМ',
    patronymic: 'ФАРХАДОВИЧ',
    birthDate: '1973-03-03',
    sex: 'M',
    roles: ['recipient'],
    address: A(AST, 'г. Астана', 'ул. Отырар', '4', '10'),
    measures: ['MSU', 'UZHYA', 'TSR_WHEELCHAIR'],
    note: '',
  },
  // guardians (4): log in with their own key and act for their wards
  {
    key: 'g01',
    surname: 'ПЕТРОВ',
    name: 'ИГОРЬ',
    patronymic: 'ВИКТОРОВИЧ',
    birthDate: '1968-03-22',
    sex: 'M',
    roles: ['guardian'],
    address: A(AST, 'г. Астана', 'ул. Достык', '13', '7'),
    wards: ['r06'],
    note: 'опекун ПЕТРОВОЙ Е. В.',
  },
  {
    key: 'g02',
    surname: 'ЖАКУПОВА',
    name: 'САУЛЕ',
    patronymic: 'КАЙРАТОВНА',
    birthDate: '1987-12-01',
    sex: 'F',
    roles: ['guardian', 'recipient'],
    address: A(AST, 'г. Астана', 'ул. Иманова', '19', '56'),
    wards: ['r07'],
    measures: ['TSR_HEARING_AID'],
    note: 'мать и законный представитель ЖАКУПОВА Е.',
  },
  {
    key: 'g03',
    surname: 'ТУРСЫНОВ',
    name: 'МАРАТ',
    patronymic: 'ЕРБОЛОВИЧ',
    birthDate: '1980-06-30',
    sex: 'M',
    roles: ['guardian'],
    address: A(ALA, 'г. Алматы', 'ул. Саина', '2', '40'),
    wards: ['r12'],
    note: 'отец и законный представитель ТУРСЫНОВОЙ Ж.',
  },
  {
    key: 'g04',
    surname: 'КУЗНЕЦОВА',
    name: 'ИРИНА',
    patronymic: 'ОЛЕГОВНА',
    birthDate: '1972-10-17',
    sex: 'F',
    roles: ['guardian'],
    address: A(KAR, 'г. Темиртау', 'ул. Мира', '4', '61'),
    wards: ['r16'],
    note: 'опекун КУЗНЕЦОВА О. П.',
  },
  // specialists (6): sign language and assistants in several localities
  {
    key: 's01',
    surname: 'БАЙМУХАМЕДОВА',
    name: 'АЙНУР',
    patronymic: 'ТАЛГАТОВНА',
    birthDate: '1983-02-14',
    sex: 'F',
    roles: ['specialist'],
    specialistKind: 'UZHYA',
    address: A(AST, 'г. Астана', 'ул. Кунаева', '14', '5'),
    note: 'специалист жестового языка, Астана',
  },
  {
    key: 's02',
    surname: 'ГРИГОРЬЕВ',
    name: 'ДМИТРИЙ',
    patronymic: 'АЛЕКСАНДРОВИЧ',
    birthDate: '1979-08-09',
    sex: 'M',
    roles: ['specialist'],
    specialistKind: 'UZHYA',
    address: A(ALA, 'г. Алматы', 'ул. Байзакова', '90', '16'),
    note: 'специалист жестового языка, Алматы',
  },
  {
    key: 's03',
    surname: 'САПАРОВА',
    name: 'КАРЛЫГАШ',
    patronymic: 'НУРЛАНОВНА',
    birthDate: '1990-04-25',
    sex: 'F',
    roles: ['specialist'],
    specialistKind: 'UZHYA',
    address: A(KAR, 'г. Караганда', 'ул. Лободы', '20', '44'),
    pendingExclusion: true,
    note: 'специалист жестового языка, Караганда; подано заявление на исключение',
  },
  {
    key: 's04',
    surname: 'МУСИН',
    name: 'АРМАН',
    patronymic: 'ЕРЖАНОВИЧ',
    birthDate: '1986-09-19',
    sex: 'M',
    roles: ['specialist'],
    specialistKind: 'UIP',
    address: A(AST, 'г. Астана', 'ул. Жубанова', '7', '70'),
    note: 'индивидуальный помощник, Астана',
  },
  {
    key: 's05',
    surname: 'ОРЛОВА',
    name: 'НАТАЛЬЯ',
    patronymic: 'СЕРГЕЕВНА',
    birthDate: '1977-12-12',
    sex: 'F',
    roles: ['specialist'],
    specialistKind: 'UIP',
    address: A(ALA, 'г. Алматы', 'ул. Шевченко', '155', '8'),
    note: 'индивидуальный помощник, Алматы',
  },
  {
    key: 's06',
    surname: 'ТОКТАРОВ',
    name: 'ЕРБОЛ',
    patronymic: 'МАКСАТОВИЧ',
    birthDate: '1984-01-31',
    sex: 'M',
    roles: ['specialist'],
    specialistKind: 'UIP',
    address: A(KAR, 'г. Темиртау', 'ул. Абая', '22', '3'),
    note: 'индивидуальный помощник, Темиртау',
  },
  // employees of organisations (legal-entity certificates)
  {
    key: 'e01',
    surname: 'САРСЕНОВА',
    name: 'МАДИНА',
    patronymic: 'АСКАРОВНА',
    birthDate: '1985-06-11',
    sex: 'F',
    roles: ['employee'],
    org: 'msu-astana',
    address: A(AST, 'г. Астана', 'ул. Кенесары', '40'),
    note: 'сотрудник МСУ, Астана',
  },
  {
    key: 'e02',
    surname: 'ХАСАНОВ',
    name: 'РИНАТ',
    patronymic: 'ИЛЬДАРОВИЧ',
    birthDate: '1981-03-03',
    sex: 'M',
    roles: ['employee'],
    org: 'msu-almaty',
    address: A(ALA, 'г. Алматы', 'пр. Абая', '115'),
    note: 'сотрудник МСУ, Алматы',
  },
  {
    key: 'e03',
    surname: 'ЖУНУСОВА',
    name: 'ГАУХАР',
    patronymic: 'БОЛАТОВНА',
    birthDate: '1976-11-23',
    sex: 'F',
    roles: ['employee'],
    org: 'msu-karaganda',
    address: A(KAR, 'г. Караганда', 'ул. Ерубаева', '18'),
    note: 'сотрудник МСУ, Караганда',
  },
  {
    key: 'e04',
    surname: 'ПОПОВ',
    name: 'СЕРГЕЙ',
    patronymic: 'ИВАНОВИЧ',
    birthDate: '1974-07-07',
    sex: 'M',
    roles: ['employee'],
    org: 'msu-temirtau',
    address: A(KAR, 'г. Темиртау', 'пр. Металлургов', '7'),
    note: 'сотрудник МСУ, Темиртау',
  },
  {
    key: 'e05',
    surname: 'ИСКАКОВ',
    name: 'ТИМУР',
    patronymic: 'ЕРЛАНОВИЧ',
    birthDate: '1989-10-02',
    sex: 'M',
    roles: ['employee'],
    org: 'sup-ortho',
    address: A(AST, 'г. Астана', 'пр. Республики', '24'),
    note: 'сотрудник поставщика ТСР',
  },
  {
    key: 'e06',
    surname: 'АЛИЕВА',
    name: 'КАМИЛА',
    patronymic: 'РУСЛАНОВНА',
    birthDate: '1992-02-20',
    sex: 'F',
    roles: ['employee'],
    org: 'sup-surdo',
    address: A(ALA, 'г. Алматы', 'ул. Толе би', '59'),
    note: 'сотрудник поставщика ТСР',
  },
  {
    key: 'e07',
    surname: 'НУРМАГАНБЕТОВ',
    name: 'АЙДОС',
    patronymic: 'СЕРИКОВИЧ',
    birthDate: '1987-05-16',
    sex: 'M',
    roles: ['employee'],
    org: 'sup-sanatorium',
    address: A(KAR, 'г. Караганда', 'ул. Гоголя', '51'),
    note: 'сотрудник поставщика ТСР и санатория',
  },
  {
    key: 'e08',
    surname: 'ЕГОРОВА',
    name: 'ОЛЬГА',
    patronymic: 'МИХАЙЛОВНА',
    birthDate: '1983-08-28',
    sex: 'F',
    roles: ['employee'],
    org: 'sup-care',
    address: A(AST, 'г. Астана', 'ул. Сыганак', '10'),
    note: 'сотрудник поставщика ТСР',
  },
  // administrator
  {
    key: 'a01',
    surname: 'АДМИНОВ',
    name: 'АДМИН',
    patronymic: 'АДМИНОВИЧ',
    birthDate: '1980-01-01',
    sex: 'M',
    roles: ['admin'],
    address: A(AST, 'г. Астана', 'пр. Мангилик Ел', '8'),
    note: 'администратор портала',
  },
  // holds a legal-entity key of the Astana МСУ but is not yet its employee: its staff administrator adds them
  {
    key: 'e09',
    surname: 'ОМАРОВА',
    name: 'ДИНАРА',
    patronymic: 'КАЙРАТОВНА',
    birthDate: '1991-04-09',
    sex: 'F',
    roles: [],
    org: 'msu-astana',
    address: A(AST, 'г. Астана', 'ул. Кенесары', '42', '5'),
    note: 'кандидат в сотрудники МСУ, Астана (добавляется в «Сотрудники»)',
  },
  // registration of suppliers: heads of organisations that are not registered on the portal yet,
  // an individual entrepreneur and individual assistants applying to the specialists' registry
  {
    key: 'h01',
    surname: 'НҰРЛАНОВА',
    name: 'ЖАНАР',
    patronymic: 'БОЛАТҚЫЗЫ',
    birthDate: '1985-03-12',
    sex: 'F',
    roles: [],
    org: 'new-care',
    address: A(AST, 'г. Астана', 'ул. Достык', '7', '12'),
    note: 'руководитель ТОО «Мейірім Care» (не зарегистрирована на портале): «Регистрация поставщика»',
  },
  {
    key: 'h02',
    surname: 'ПЕТРЕНКО',
    name: 'ИГОРЬ',
    patronymic: 'ВАСИЛЬЕВИЧ',
    birthDate: '1975-11-02',
    sex: 'M',
    roles: [],
    org: 'new-closed',
    address: A(ALA, 'г. Алматы', 'ул. Жибек Жолы', '70', '3'),
    note: 'руководитель ТОО «Старт Сервис» (не зарегистрирована на портале; ликвидирована в ГБД ЮЛ)',
  },
  {
    key: 'h03',
    surname: 'СЕРИКБАЕВ',
    name: 'АРМАН',
    patronymic: 'НУРЛАНОВИЧ',
    birthDate: '1988-06-21',
    sex: 'M',
    roles: [],
    org: 'new-unknown',
    address: A(KAR, 'г. Караганда', 'ул. Бухар-Жырау', '4', '8'),
    note: 'ключ юридического лица с БИН, которого нет в ГБД ЮЛ (не зарегистрирована на портале)',
  },
  {
    key: 'ip01',
    surname: 'ОМАРОВА',
    name: 'ДИНАРА',
    patronymic: 'САЯТОВНА',
    birthDate: '1990-09-09',
    sex: 'F',
    roles: [],
    address: A(AST, 'г. Астана', 'ул. Кабанбай батыра', '11', '40'),
    entrepreneur: {
      name: 'ИП «Ортопедия Плюс»',
      registeredOn: '2022-04-18',
      registrationNumber: 'ИП-0422-118843',
      taxAuthority: 'УГД по району Есиль г. Астана',
      activityCode: '47741',
      otherActivityCodes: ['88101'],
    },
    note: 'индивидуальный предприниматель (не зарегистрирован на портале): «Регистрация поставщика»',
  },
  {
    key: 's10',
    surname: 'КАЛИЕВ',
    name: 'БАУЫРЖАН',
    patronymic: 'ЕРЖАНОВИЧ',
    birthDate: '1987-01-30',
    sex: 'M',
    roles: ['specialist'],
    address: A(AST, 'г. Астана', 'ул. Иманова', '19', '77'),
    dispensaryRecord: true,
    note: 'индивидуальный помощник, не в реестре; состоит на диспансерном учёте (заявка не отправляется)',
  },
  {
    key: 's11',
    surname: 'ЖАКЕНОВА',
    name: 'АЛИЯ',
    patronymic: 'МАРАТОВНА',
    birthDate: '1993-05-17',
    sex: 'F',
    roles: ['specialist'],
    address: A(AST, 'г. Астана', 'ул. Сарайшык', '34', '15'),
    note: 'индивидуальный помощник, ещё не в реестре специалистов',
  },
  // elderly recipients (rules, item 7): no ИПР, special social services recommended by Е-Собес
  {
    key: 'r21',
    surname: 'САДЫКОВА',
    name: 'РАУШАН',
    patronymic: 'ЖУМАБАЕВНА',
    birthDate: '1938-03-08',
    sex: 'F',
    roles: ['recipient'],
    category: 'elderly',
    address: A(AST, 'г. Астана', 'ул. Жансугурова', '8', '12'),
    temporaryAddress: { ...A(AST, 'г. Астана', 'ул. Бөгенбай батыра', '22', '5'), validUntil: '2027-06-30' },
    measures: ['SSU_HOME', 'MSU'],
    note: 'пожилая, не способна к самообслуживанию; временная регистрация',
  },
  {
    key: 'r22',
    surname: 'ГРОМОВ',
    name: 'ВИКТОР',
    patronymic: 'ПАВЛОВИЧ',
    birthDate: '1940-11-02',
    sex: 'M',
    roles: ['recipient'],
    category: 'elderly',
    address: A(KAR, 'г. Караганда', 'ул. Алиханова', '9', '3'),
    measures: ['SSU_DAY', 'SSU_TEMP'],
    note: 'пожилой, не способен к самообслуживанию; подопечный',
  },
  // guardians of the elderly: one in force (the dev registry can end it), one the registry has ended
  {
    key: 'g05',
    surname: 'ГРОМОВА',
    name: 'НАТАЛЬЯ',
    patronymic: 'ВИКТОРОВНА',
    birthDate: '1966-04-14',
    sex: 'F',
    roles: ['guardian'],
    address: A(KAR, 'г. Караганда', 'ул. Алиханова', '9', '4'),
    wards: ['r22'],
    note: 'опекун ГРОМОВА В. П.',
  },
  {
    key: 'g06',
    surname: 'ГРОМОВ',
    name: 'ОЛЕГ',
    patronymic: 'ВИКТОРОВИЧ',
    birthDate: '1963-01-20',
    sex: 'M',
    roles: ['guardian'],
    address: A(KAR, 'г. Караганда', 'ул. Букетова', '31', '8'),
    endedWards: [{ ward: 'r22', endedOn: '2026-10-01' }],
    note: 'бывший опекун ГРОМОВА В. П.: опека прекращена органом опеки',
  },
  // specialists of organisations (ordered through the organisation, which assigns them)
  {
    key: 's07',
    surname: 'КАЛИЕВА',
    name: 'ДИНАРА',
    patronymic: 'АСЕТОВНА',
    birthDate: '1988-03-17',
    sex: 'F',
    roles: ['specialist'],
    specialistKind: 'UZHYA',
    worksFor: 'sup-surdo',
    address: A(ALA, 'г. Алматы', 'ул. Толе би', '61', '12'),
    note: 'специалист жестового языка ТОО «Сурдотехника KZ»',
  },
  {
    key: 's08',
    surname: 'ЖАКУПОВ',
    name: 'МАРАТ',
    patronymic: 'БЕРИКОВИЧ',
    birthDate: '1985-11-05',
    sex: 'M',
    roles: ['specialist'],
    specialistKind: 'UIP',
    worksFor: 'sup-care',
    address: A(AST, 'г. Астана', 'ул. Сыганак', '14', '33'),
    note: 'индивидуальный помощник ТОО «Забота и помощь», Астана',
  },
  {
    key: 's09',
    surname: 'ЛИ',
    name: 'ЕЛЕНА',
    patronymic: 'ВИКТОРОВНА',
    birthDate: '1991-07-22',
    sex: 'F',
    roles: ['specialist'],
    specialistKind: 'UIP',
    worksFor: 'sup-care',
    address: A(AST, 'г. Астана', 'ул. Иманова', '9', '48'),
    note: 'индивидуальный помощник ТОО «Забота и помощь», Астана',
  },
  // registration of a ТСР seller (browser journey): the head of ТОО «Жебе Ортопедия», not on the portal
  // yet, and a holder of its legal-entity key whom the head adds to the staff
  {
    key: 'h04',
    surname: 'САГИНДЫКОВА',
    name: 'АЙЖАН',
    patronymic: 'ЕРЛАНОВНА',
    birthDate: '1984-07-15',
    sex: 'F',
    roles: [],
    org: 'new-ortho',
    address: A(AST, 'г. Астана', 'ул. Бейбітшілік', '30', '18'),
    note: 'руководитель ТОО «Жебе Ортопедия» (ОКЭД 47.74.1, не зарегистрирована на портале): «Регистрация поставщика»',
  },
  {
    key: 'e10',
    surname: 'ТЛЕУОВ',
    name: 'НУРБОЛ',
    patronymic: 'МАРАТОВИЧ',
    birthDate: '1993-02-11',
    sex: 'M',
    roles: [],
    org: 'new-ortho',
    address: A(AST, 'г. Астана', 'ул. Сыганак', '29', '64'),
    note: 'кандидат в сотрудники ТОО «Жебе Ортопедия» (руководитель добавляет в «Сотрудники»)',
  },
  // sanatorium-resort treatment (issue 17)
  {
    key: 'san-e1',
    surname: 'ЖАКУПОВА',
    name: 'АЛИЯ',
    patronymic: 'СЕРИКОВНА',
    birthDate: '1988-04-21',
    sex: 'F',
    roles: ['employee'],
    org: 'san-north',
    address: A('Акмолинская область', 'г. Щучинск', 'ул. Курортная', '5', '2'),
    note: 'сотрудник санатория «Бурабай-Шипагер»',
  },
  {
    key: 'san-e2',
    surname: 'ОРАЗБАЕВ',
    name: 'ДАУЛЕТ',
    patronymic: 'МАРАТОВИЧ',
    birthDate: '1985-10-09',
    sex: 'M',
    roles: ['employee'],
    org: 'san-lake',
    address: A('Акмолинская область', 'г. Кокшетау', 'ул. Озёрная', '14', '8'),
    note: 'сотрудник санатория «Көкшетау-Жасыл»',
  },
  {
    key: 'san-r1',
    surname: 'ҚҰРМАНҒАЛИЕВА',
    name: 'ӘСЕЛ',
    patronymic: 'ҒАЛЫМҚЫЗЫ',
    birthDate: '1968-06-14',
    sex: 'F',
    roles: ['recipient'],
    address: A(REGIONS.karaganda, 'г. Караганда', 'ул. Ерубаева', '20', '31'),
    measures: ['SANATORIUM'],
    note: 'санаторий с сопровождающим (профиль: нервная система)',
  },
  {
    key: 'san-r2',
    surname: 'ВОРОБЬЁВ',
    name: 'ИГОРЬ',
    patronymic: 'ПЕТРОВИЧ',
    birthDate: '1959-01-30',
    sex: 'M',
    roles: ['recipient'],
    address: A(REGIONS.astana, 'г. Астана', 'ул. Иманова', '7', '12'),
    measures: ['SANATORIUM'],
    note: 'санаторий без сопровождающего (профиль: опорно-двигательный аппарат)',
  },
  // reaching everyone (rules, item 9): employees of local executive bodies, and recipients the БМГ
  // has no phone for (their notices wait in their region's list, src/modules/outreach)
  {
    key: 'lex01',
    surname: 'АХМЕТОВА',
    name: 'ГУЛЬНАР',
    patronymic: 'СЕРИКОВНА',
    birthDate: '1979-04-08',
    sex: 'F',
    roles: ['local_executive'],
    executiveRegion: AST,
    address: A(AST, 'г. Астана', 'ул. Кенесары', '40', '7'),
    note: 'сотрудник местного исполнительного органа, г. Астана: уведомления без телефона',
  },
  {
    key: 'lex02',
    surname: 'ОМАРОВ',
    name: 'ДАНИЯР',
    patronymic: 'КАИРОВИЧ',
    birthDate: '1982-10-19',
    sex: 'M',
    roles: ['local_executive'],
    executiveRegion: KAR,
    address: A(KAR, 'г. Караганда', 'пр. Бухар-Жырау', '52', '15'),
    note: 'сотрудник местного исполнительного органа, Карагандинская область: уведомления без телефона',
  },
  {
    key: 'np01',
    surname: 'ЖУМАБАЕВ',
    name: 'СЕРИК',
    patronymic: 'ОРАЛОВИЧ',
    birthDate: '1949-06-03',
    sex: 'M',
    roles: ['recipient'],
    noPhone: true,
    address: A(AST, 'г. Астана', 'ул. Жубанова', '7', '2'),
    measures: ['TSR_WHITE_CANE'],
    note: 'нет телефона в БМГ',
  },
  {
    key: 'np02',
    surname: 'ПЕТРОВА',
    name: 'АННА',
    patronymic: 'ИВАНОВНА',
    birthDate: '1951-12-22',
    sex: 'F',
    roles: ['recipient'],
    noPhone: true,
    address: A(AST, 'г. Астана', 'ул. Ауэзова', '15', '30'),
    measures: ['TSR_DIAPERS'],
    note: 'нет телефона в БМГ',
  },
  {
    key: 'np03',
    surname: 'КАСЫМОВ',
    name: 'НУРЛАН',
    patronymic: 'АБАЕВИЧ',
    birthDate: '1958-02-14',
    sex: 'M',
    roles: ['recipient'],
    noPhone: true,
    address: A(KAR, 'г. Караганда', 'ул. Ерубаева', '21', '9'),
    measures: ['TSR_WHITE_CANE'],
    note: 'нет телефона в БМГ',
  },
  // special social services by contract (docs/contracts.md): providers' employees, recipients with an ИППСУ
  {
    key: 'ssu-e1',
    surname: 'ОМАРОВА',
    name: 'ДИНАРА',
    patronymic: 'СЕРИКОВНА',
    birthDate: '1985-03-19',
    sex: 'F',
    roles: ['employee'],
    org: 'ssu-home-north',
    address: A(AST, 'г. Астана', 'ул. Сарыарка', '31', '4'),
    note: 'сотрудник ТОО «Шапағат» (уход на дому): договоры ССУ',
  },
  {
    key: 'ssu-e2',
    surname: 'ПАВЛЕНКО',
    name: 'ИРИНА',
    patronymic: 'ВАСИЛЬЕВНА',
    birthDate: '1979-10-05',
    sex: 'F',
    roles: ['employee'],
    org: 'ssu-day-karaganda',
    address: A(KAR, 'г. Караганда', 'пр. Бухар жырау', '52', '11'),
    note: 'сотрудник центра дневного пребывания «Қамқор» (полустационар): договоры ССУ',
  },
  {
    key: 'ssu-r1',
    surname: 'ЖАКУПОВА',
    name: 'КУЛЬШАРА',
    patronymic: 'АБДРАХМАНОВНА',
    birthDate: '1936-05-12',
    sex: 'F',
    roles: ['recipient'],
    category: 'elderly',
    address: A(AST, 'г. Астана', 'ул. Ташенова', '15', '7'),
    measures: ['SSU_HOME'],
    note: 'пожилая: ИППСУ, договоры на уход на дому в каждом статусе',
  },
  {
    key: 'ssu-r2',
    surname: 'ЛИТВИНОВ',
    name: 'ПЁТР',
    patronymic: 'СЕМЁНОВИЧ',
    birthDate: '1961-08-30',
    sex: 'M',
    roles: ['recipient'],
    address: A(KAR, 'г. Караганда', 'ул. Ерубаева', '40', '21'),
    measures: ['SSU_DAY'],
    note: 'лицо с инвалидностью: ИППСУ, полустационар',
  },
  {
    key: 'ssu-r3',
    surname: 'БЕКОВА',
    name: 'ЗАУРЕШ',
    patronymic: 'НУРЛАНОВНА',
    birthDate: '1934-12-01',
    sex: 'F',
    roles: ['recipient'],
    category: 'elderly',
    address: A(KAR, 'г. Караганда', 'ул. Гоголя', '3', '9'),
    measures: ['SSU_DAY'],
    note: 'пожилая, подопечная ssu-g1: ИППСУ, полустационар',
  },
  {
    key: 'ssu-g1',
    surname: 'БЕКОВ',
    name: 'АРМАН',
    patronymic: 'ЕРЛАНОВИЧ',
    birthDate: '1970-02-17',
    sex: 'M',
    roles: ['guardian'],
    address: A(KAR, 'г. Караганда', 'ул. Гоголя', '3', '10'),
    wards: ['ssu-r3'],
    note: 'опекун БЕКОВОЙ З. Н.: заключает договор ССУ за подопечную',
  },
];

/** How the start page names a measure (short: the note is one line). */
const MEASURE_WORDS: Record<DemoHelpType, string> = {
  MSU: 'МСУ',
  UZHYA: 'УЖЯ',
  UIP: 'УИП',
  SANATORIUM: 'санаторно-курортное лечение',
  TSR_WHEELCHAIR: 'кресло-коляска',
  TSR_PROSTHESIS: 'протез голени',
  TSR_ORTHO_SHOES: 'ортопедическая обувь',
  TSR_HEARING_AID: 'слуховой аппарат',
  TSR_WHITE_CANE: 'трость тактильная',
  TSR_DIAPERS: 'подгузники',
  PAYMENT_SPECIAL: 'спецпособие',
  PAYMENT_TRANSPORT: 'транспортные расходы',
  SSU_HOME: 'уход на дому',
  SSU_DAY: 'полустационар',
  SSU_TEMP: 'временное пребывание',
};

/** The help types of a person with a disability's ИПР (all but the forms of care only the elderly get here). */
const IPR_TYPES = (Object.keys(MEASURE_WORDS) as DemoHelpType[]).filter((m) => !m.startsWith('SSU_'));

/**
 * The start page's words for an IPR: «ИПР: МСУ, УЖЯ; ТСР: кресло-коляска, протез голени»; for an
 * elderly person the recommended special social services: «ССУ: уход на дому, МСУ».
 */
export function measuresNote(
  measures: readonly DemoHelpType[],
  category: DemoPerson['category'] = 'disability',
): string {
  if (measures.length === 0) return '';
  if (category === 'elderly') return `ССУ: ${measures.map((m) => MEASURE_WORDS[m]).join(', ')}`;
  if (IPR_TYPES.every((m) => measures.includes(m))) return 'ИПР: все виды помощи';
  const tsr = measures.filter((m) => m.startsWith('TSR_')).map((m) => MEASURE_WORDS[m]);
  const other = measures.filter((m) => !m.startsWith('TSR_')).map((m) => MEASURE_WORDS[m]);
  return `ИПР: ${[...other, ...(tsr.length ? [`ТСР (${tsr.join(', ')})`] : [])].join(', ')}`;
}

export const PEOPLE: DemoPerson[] = SEEDS.map((s, i) => ({
  ...s,
  iin: makeIin(s.birthDate, s.sex, 1000 + i * 7),
  phone: s.noPhone ? '' : `+7701${String(5550000 + i * 111).padStart(7, '0')}`,
  measures: s.measures ?? [],
  note: [s.note, measuresNote(s.measures ?? [], s.category)].filter(Boolean).join('; '),
}));

export function personByKey(key: string): DemoPerson {
  const p = PEOPLE.find((x) => x.key === key);
  if (!p) throw new Error(`unknown demo person ${key}`);
  return p;
}

export function organisationByKey(key: string): DemoOrganisation {
  const o = ORGANISATIONS.find((x) => x.key === key);
  if (!o) throw new Error(`unknown demo organisation ${key}`);
  return o;
}
