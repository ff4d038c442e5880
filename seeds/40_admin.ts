import type { Knex } from 'knex';
import { PEOPLE } from '../src/devstand/people.js';
import { sanitizeRichText } from '../src/modules/admin/sanitize.js';
import { supportDeadline, workingCalendar } from '../src/modules/admin/working-time.js';
import { formatAstana } from '../src/modules/admin/datetime.js';

type Lang = 'ru' | 'kk' | 'en';
type Text3 = Record<Lang, string>;

interface Item {
  kind: 'instruction' | 'faq' | 'news';
  sort: number;
  title: Text3;
  body: Text3;
  /** news: days before the seeding */
  daysAgo?: number;
}

const ITEMS: Item[] = [
  {
    kind: 'instruction',
    sort: 10,
    title: {
      ru: 'Вход на портал с помощью ЭЦП',
      kk: 'Порталға ЭЦҚ арқылы кіру',
      en: 'Logging in with an electronic digital signature (EDS)',
    },
    body: {
      ru: '<p>Для входа нужен ключ ЭЦП для аутентификации (файл <strong>AUTH_RSA256…</strong>), выданный НУЦ РК.</p><ol><li>Нажмите «Войти» в верхней части страницы.</li><li>Нажмите «Выберите ЭЦП» и укажите файл ключа AUTH.</li><li>Введите пароль ключа и нажмите «Подписать».</li></ol><p>Для подписания заказов и отказов используется другой ключ — <strong>RSA256…</strong>.</p>',
      kk: '<p>Кіру үшін ҚР ҰКО берген аутентификацияға арналған ЭЦҚ кілті (<strong>AUTH_RSA256…</strong> файлы) қажет.</p><ol><li>Беттің жоғарғы жағындағы «Кіру» батырмасын басыңыз.</li><li>«ЭЦҚ таңдаңыз» батырмасын басып, AUTH кілт файлын көрсетіңіз.</li><li>Кілттің құпиясөзін енгізіп, «Қол қою» батырмасын басыңыз.</li></ol><p>Тапсырыстар мен бас тартуларға қол қою үшін басқа кілт қолданылады — <strong>RSA256…</strong>.</p>',
      en: '<p>To log in you need an authentication EDS key (an <strong>AUTH_RSA256…</strong> file) issued by the National Certification Authority.</p><ol><li>Press “Log in” at the top of the page.</li><li>Press “Choose EDS” and select the AUTH key file.</li><li>Enter the key password and press “Sign”.</li></ol><p>Orders and refusals are signed with the other key, <strong>RSA256…</strong>.</p>',
    },
  },
  {
    kind: 'instruction',
    sort: 20,
    title: {
      ru: 'Как заказать технические средства реабилитации',
      kk: 'Оңалтудың техникалық құралдарына қалай тапсырыс беруге болады',
      en: 'How to order technical rehabilitation aids',
    },
    body: {
      ru: '<ol><li>Откройте «Помощь для вас» → «Технические средства реабилитации».</li><li>Выберите положенное по ИПР средство и нажмите «Выбрать».</li><li>Выберите товар поставщика и нажмите «Заказать».</li><li>Укажите способ получения и нажмите «Создать», затем подпишите заказ ЭЦП.</li></ol><p>Статус заказа виден в разделе «Заказы товаров».</p>',
      kk: '<ol><li>«Сізге арналған көмек» → «Оңалтудың техникалық құралдары» бөлімін ашыңыз.</li><li>ЖОБ бойынша тиесілі құралды таңдап, «Таңдау» батырмасын басыңыз.</li><li>Жеткізушінің тауарын таңдап, «Тапсырыс беру» батырмасын басыңыз.</li><li>Алу тәсілін көрсетіп, «Құру» батырмасын басыңыз, содан кейін тапсырысқа ЭЦҚ-мен қол қойыңыз.</li></ol><p>Тапсырыстың мәртебесі «Тауар тапсырыстары» бөлімінде көрінеді.</p>',
      en: '<ol><li>Open “Help for you” → “Technical rehabilitation aids”.</li><li>Choose an aid your IPR entitles you to and press “Choose”.</li><li>Choose a supplier’s product and press “Order”.</li><li>Choose how to receive it, press “Create” and sign the order with your EDS.</li></ol><p>The order’s status is shown under “Goods orders”.</p>',
    },
  },
  {
    kind: 'faq',
    sort: 10,
    title: {
      ru: 'Какой ключ ЭЦП нужен для входа?',
      kk: 'Кіру үшін қандай ЭЦҚ кілті қажет?',
      en: 'Which EDS key do I need to log in?',
    },
    body: {
      ru: '<p>Для входа — ключ аутентификации <strong>AUTH_RSA256</strong>, для подписания документов — ключ <strong>RSA256</strong>. Ключи ГОСТ портал не принимает.</p>',
      kk: '<p>Кіру үшін — <strong>AUTH_RSA256</strong> аутентификация кілті, құжаттарға қол қою үшін — <strong>RSA256</strong> кілті. Портал ГОСТ кілттерін қабылдамайды.</p>',
      en: '<p>Log in with the <strong>AUTH_RSA256</strong> authentication key and sign documents with the <strong>RSA256</strong> key. GOST keys are not accepted.</p>',
    },
  },
  {
    kind: 'faq',
    sort: 20,
    title: {
      ru: 'Что делать, если истёк срок выбора поставщика?',
      kk: 'Жеткізушіні таңдау мерзімі өтіп кетсе, не істеу керек?',
      en: 'What if the time to choose a supplier has run out?',
    },
    body: {
      ru: '<p>Выбрать поставщика можно в течение двух месяцев после уведомления. Затем выбор блокируется. Нажмите «активации выбора поставщика» в разделе «Помощь для вас»: запрос уйдёт в АИС «Е-Собес», и мероприятие вернётся в общую очередь.</p>',
      kk: '<p>Жеткізушіні хабарламадан кейін екі ай ішінде таңдауға болады. Одан кейін таңдау бұғатталады. «Сізге арналған көмек» бөлімінде «жеткізушіні таңдауды белсендіру» батырмасын басыңыз: сұрау «Е-Собес» АЖ-ға жіберіледі.</p>',
      en: '<p>You can choose a supplier within two months of the notice; after that the choice is blocked. Press “activate supplier choice” under “Help for you”: the request goes to the E-Sobes system and the measure returns to the general queue.</p>',
    },
  },
  {
    kind: 'faq',
    sort: 30,
    title: {
      ru: 'Можно ли оформить второй заказ того же вида помощи?',
      kk: 'Сол көмек түріне екінші тапсырыс беруге бола ма?',
      en: 'Can I place a second order of the same kind of help?',
    },
    body: {
      ru: '<p>Нет. Пока заказ по виду помощи не завершён или не отменён, новый заказ того же вида создать нельзя.</p>',
      kk: '<p>Жоқ. Көмек түрі бойынша тапсырыс аяқталмайынша немесе күшін жоймайынша, сол түрге жаңа тапсырыс құруға болмайды.</p>',
      en: '<p>No. Until an order of a kind of help is completed or cancelled, another order of that kind cannot be created.</p>',
    },
  },
  {
    kind: 'faq',
    sort: 40,
    title: {
      ru: 'Как сообщить о техническом сбое?',
      kk: 'Техникалық ақау туралы қалай хабарлауға болады?',
      en: 'How do I report a technical failure?',
    },
    body: {
      ru: '<p>Откройте раздел «Обращения» и нажмите «Сообщить о техническом сбое», приложите снимки экрана. Контакт-центр работает в рабочие дни с 9:00 до 18:30 по времени Астаны; о результате вы получите SMS или письмо.</p>',
      kk: '<p>«Өтініштер» бөлімін ашып, «Техникалық ақау туралы хабарлау» батырмасын басыңыз, экран суреттерін тіркеңіз. Байланыс орталығы жұмыс күндері Астана уақытымен 9:00-ден 18:30-ға дейін жұмыс істейді; нәтиже туралы SMS немесе хат аласыз.</p>',
      en: '<p>Open “Requests” and press “Report a technical failure”, attaching screenshots. The contact centre works on working days from 9:00 to 18:30 Astana time; you will get an SMS or e-mail with the outcome.</p>',
    },
  },
  {
    kind: 'news',
    sort: 0,
    daysAgo: 3,
    title: {
      ru: 'Обращения о технических сбоях — прямо на портале',
      kk: 'Техникалық ақаулар туралы өтініштер — тікелей порталда',
      en: 'Report technical failures right on the portal',
    },
    body: {
      ru: '<p>Теперь о сбое можно сообщить в разделе «Обращения» и следить за сроками его рассмотрения.</p>',
      kk: '<p>Енді ақау туралы «Өтініштер» бөлімінде хабарлап, оны қарау мерзімдерін қадағалауға болады.</p>',
      en: '<p>You can now report a failure under “Requests” and follow the deadlines of its handling.</p>',
    },
  },
  {
    kind: 'news',
    sort: 0,
    daysAgo: 20,
    title: {
      ru: 'Версия для слабовидящих',
      kk: 'Нашар көретіндерге арналған нұсқа',
      en: 'Low-vision version',
    },
    body: {
      ru: '<p>Кнопка «Версия для слабовидящих» в шапке страницы увеличивает шрифт и контрастность; настройка запоминается.</p>',
      kk: '<p>Беттің жоғарғы жағындағы «Нашар көретіндерге арналған нұсқа» батырмасы қаріпті және контрастты үлкейтеді; баптау есте сақталады.</p>',
      en: '<p>The “Low-vision version” link at the top of the page enlarges the text and raises contrast; the setting is remembered.</p>',
    },
  },
];

/** Public holidays of Kazakhstan that fall on weekdays (with transfers), 2026–2027. */
const HOLIDAYS: [string, string][] = [
  ['2026-01-01', 'Новый год'],
  ['2026-01-02', 'Новый год'],
  ['2026-01-07', 'Православное Рождество'],
  ['2026-03-09', 'Международный женский день (перенос)'],
  ['2026-03-23', 'Наурыз мейрамы'],
  ['2026-03-24', 'Наурыз мейрамы (перенос)'],
  ['2026-03-25', 'Наурыз мейрамы (перенос)'],
  ['2026-05-01', 'Праздник единства народа Казахстана'],
  ['2026-05-07', 'День защитника Отечества'],
  ['2026-05-27', 'Курбан айт'],
  ['2026-07-06', 'День столицы'],
  ['2026-08-31', 'День Конституции (перенос)'],
  ['2026-10-26', 'День Республики (перенос)'],
  ['2026-12-16', 'День Независимости'],
  ['2027-01-01', 'Новый год'],
  ['2027-01-07', 'Православное Рождество'],
  ['2027-03-08', 'Международный женский день'],
  ['2027-03-22', 'Наурыз мейрамы'],
  ['2027-03-23', 'Наурыз мейрамы'],
  ['2027-05-07', 'День защитника Отечества'],
  ['2027-05-10', 'День Победы (перенос)'],
  ['2027-07-06', 'День столицы'],
  ['2027-08-30', 'День Конституции'],
  ['2027-10-25', 'День Республики'],
  ['2027-12-16', 'День Независимости'],
];

/**
 * Administration demo data: the administrator a01 also works the contact-centre desk, content in
 * three languages (instructions, FAQ, news), a planned maintenance notice a month ahead, holidays, and
 * one request about a technical failure waiting to be registered.
 */
export async function seed(knex: Knex): Promise<void> {
  const idOf = async (key: string) => {
    const p = PEOPLE.find((x) => x.key === key)!;
    return ((await knex('persons').where({ iin: p.iin }).first('id')) as { id: number }).id;
  };
  const adminId = await idOf('a01');
  await knex.raw(
    `insert into person_roles (person_id, role) values (?, 'operator') on conflict (person_id, role, coalesce(organisation_id, 0)) do nothing`,
    [adminId],
  );

  for (const it of ITEMS) {
    await knex('content_items').insert({
      kind: it.kind,
      title_ru: it.title.ru,
      title_kk: it.title.kk,
      title_en: it.title.en,
      body_ru: sanitizeRichText(it.body.ru),
      body_kk: sanitizeRichText(it.body.kk),
      body_en: sanitizeRichText(it.body.en),
      published: true,
      published_at: knex.raw(`now() - (? || ' days')::interval`, [String(it.daysAgo ?? 30)]),
      sort: it.sort,
      created_by: adminId,
      updated_by: adminId,
    });
  }

  await knex('notices').insert({
    kind: 'maintenance',
    title_ru: 'Плановые технические работы',
    title_kk: 'Жоспарлы техникалық жұмыстар',
    title_en: 'Planned maintenance',
    text_ru:
      'Портал будет недоступен с 20:00 до 22:00 по времени Астаны из-за обновления программного обеспечения.',
    text_kk:
      'Бағдарламалық жасақтаманы жаңартуға байланысты портал Астана уақытымен 20:00-ден 22:00-ге дейін қолжетімсіз болады.',
    text_en: 'The portal will be unavailable from 20:00 to 22:00 Astana time for a software update.',
    starts_at: knex.raw(
      `date_trunc('day', now() at time zone 'Asia/Almaty') at time zone 'Asia/Almaty' + interval '30 days 20 hours'`,
    ),
    ends_at: knex.raw(
      `date_trunc('day', now() at time zone 'Asia/Almaty') at time zone 'Asia/Almaty' + interval '30 days 22 hours'`,
    ),
    fix_expected_at: knex.raw(
      `date_trunc('day', now() at time zone 'Asia/Almaty') at time zone 'Asia/Almaty' + interval '30 days 22 hours'`,
    ),
    created_by: adminId,
    updated_by: adminId,
  });

  for (const [day, name] of HOLIDAYS) await knex('holidays').insert({ day, name, created_by: adminId });

  // one request waiting at the contact centre (filed an hour before the seeding)
  const r02 = await idOf('r02');
  const person = (await knex('persons').where({ id: r02 }).first('phone', 'email')) as {
    phone: string | null;
    email: string | null;
  };
  const receivedAt = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 3_600_000);
  const registerDue = supportDeadline('register', receivedAt, workingCalendar(HOLIDAYS.map(([d]) => d)));
  const [req] = (await knex('support_requests')
    .insert({
      number: knex.raw(
        `'SR-' || to_char(?::timestamptz at time zone 'Asia/Almaty', 'YYYY') || '-' || lpad(nextval('support_request_number_seq')::text, 5, '0')`,
        [receivedAt],
      ),
      person_id: r02,
      description:
        'После нажатия «Подписать» на странице заказа ТСР страница долго загружается и показывает ошибку.',
      location: 'Заказы товаров, кнопка «Подписать»',
      contact_phone: person.phone,
      contact_email: person.email,
      status: 'new',
      received_at: receivedAt,
      register_due_at: registerDue,
      due_at: registerDue,
      created_at: receivedAt,
    })
    .returning(['id', 'number'])) as { id: number; number: string }[];
  await knex('support_request_events').insert({
    request_id: req!.id,
    at: receivedAt,
    actor_id: r02,
    action: 'file',
    to_status: 'new',
    notice_key: 'support:sms.filed',
    notice_params: JSON.stringify({
      number: req!.number,
      at: formatAstana(receivedAt),
      due: formatAstana(registerDue),
    }),
    notified_at: receivedAt,
  });
}
