//! The texts of the public pages as the program ships them. An administrator may replace each
//! (`/staff/admin/pages`); the replacement is kept in the database, and these are the defaults.
//!
//! Markup: a blank line separates paragraphs, `## ` starts a heading, `- ` a list item.

/// The pages whose text an administrator edits: (slug, Bulgarian title, English title).
pub const EDITABLE: [(&str, &str, &str); 4] = [
    ("charter", "Харта на клиента", "Client charter"),
    (
        "contacts",
        "Контакти и приемно време",
        "Contacts and reception hours",
    ),
    (
        "channels",
        "Как да подадете сигнал по друг начин",
        "Other ways to submit",
    ),
    (
        "privacy",
        "Поверителност и лични данни",
        "Privacy and personal data",
    ),
];

/// The title of an editable page.
pub fn title(slug: &str) -> Option<(&'static str, &'static str)> {
    EDITABLE
        .iter()
        .find(|(s, _, _)| *s == slug)
        .map(|(_, bg, en)| (*bg, *en))
}

/// The shipped text of an editable page: (Bulgarian, English).
pub fn default_text(slug: &str) -> Option<(&'static str, &'static str)> {
    match slug {
        "charter" => Some((CHARTER_BG, CHARTER_EN)),
        "contacts" => Some((CONTACTS_BG, CONTACTS_EN)),
        "channels" => Some((CHANNELS_BG, CHANNELS_EN)),
        "privacy" => Some((PRIVACY_BG, PRIVACY_EN)),
        _ => None,
    }
}

pub const CHARTER_BG: &str = "Уважаеми граждани, тази харта Ви уведомява какво ниво на обслужване можете да очаквате в административните структури на Община Хасково. Освен това Ви информира какво очакваме ние от Вас и какво да предприемете, ако нещо се обърка. Тази Харта ще се актуализира, допълва и коригира, за да отговаря на непрекъснато променящите се потребности.

Хартата залага съвременни и по-високи стандарти и съдейства за подобряване на административното обслужване в Община Хасково. Искаме да предоставим възможно най-доброто административно обслужване на всеки, който се нуждае от помощта ни. Хартата на клиента е документ – писмено изразена воля и желание за сътрудничество с всички клиенти.

## Какви принципи ще спазваме при предоставяне на административни услуги
- законност при търсене и получаване на административната услуга;
- осигуряване на еднакви условия при предоставяне на услугите;
- своевременност и безпристрастност при предоставянето на услугите;
- откритост, достоверност и пълнота на услугите;
- защита правото на информация;
- защита на личната информация;
- недопускане на дискриминация;
- недопускане на конфликт на интереси.

## Какви са отговорностите на служителите от Община Хасково към потребителите на административни услуги
Отговорностите на служителите са регламентирани в Етичния кодекс за поведение на служителите и включват следните задължения:
- да не допускат да се нарушават правата Ви и да се ръководят от принципа на равнопоставеност в работата си;
- да се отнасят с внимание и уважение към Вас, да зачитат личното Ви достойнство;
- да бъдат честни и отзивчиви;
- да Ви обслужват компетентно и на високо професионално ниво;
- да създават благоприятна обстановка за обслужване;
- да спазват правилата на конфиденциалност;
- при възникнал проблем да Ви уведомят за причините, довели до това, и за крайния срок, в който можете да получите услугата.

## Какви са Вашите отговорности към служителите на Община Хасково
- да гледате на административното обслужване като на един непрекъснат процес на подобрения, за чийто успех и двете страни са еднакво важни;
- да представяте пълна и точна информация, като прилагате заявления – съдържащи реквизитите и съответните изискуеми от закона приложения;
- да уважавате служителите от Община Хасково при предоставяне на търсената от Вас услуга, като не допускате обиди, заплахи или други действия на саморазправа;
- да уведомявате за всяка промяна на обстоятелствата, отнасяща се до Вас или други лица, свързани с исканата услуга;
- да посочвате точния си адрес и телефон за връзка;
- да отправяте Вашите предложения, сигнали, жалби, заявления и искания по законоустановения ред;
- да изразявате свободно Вашите мнения, предложения и коментари, за да подобрим качеството на услугите, които Ви предоставяме.

## Механизми за обратната връзка от клиента
Ние се ангажираме активно да търсим Вашите предложения, мнения, коментари, сигнали и оплаквания, които можете да дадете, като използвате различни канали за достъп като интернет страницата www.haskovo.bg, кутиите за сигнали и предложения, които може да намерите във всички звена, обслужващи граждани.

Ние се ангажираме да анализираме Вашите предложения, коментари, похвали и оплаквания и да предприемаме съответните действия, когато те са в компетенциите на Община Хасково.

Ние се ангажираме да отговорим писмено на всяка подадена в писмена форма жалба от Вас по повод лошо администриране в 7-дневен срок от получаването (освен в случаите, когато е необходимо извършването на проверка).

## Важно е да се знае
- Анонимни сигнали и оплаквания не се разглеждат, освен в случаите, когато поставеният проблем застрашава здравето и сигурността на гражданите.
- Общинска администрация си запазва правото да не дава отговор на въпроси, сигнали, жалби и оплаквания, които съдържат нецензурни изрази, немотивирани обидни изказвания, уронващи престижа на институцията.
- Общинска администрация няма право да дава отговор на въпроси, свързани със защита на личните данни и класифицираната информация.
- Всички стандарти на административното обслужване са нормативно регламентирани от закони и подзаконови нормативни актове, както и от наредби, приети от Общински съвет – гр. Хасково.

## Ако не сте доволни
Вие може да подадете устно или писмено жалба, сигнал или предложение до Кмета на Община Хасково, ако сте недоволен от обслужването на служител в администрацията на Община Хасково.

Всички останали възражения или обжалвания във връзка с предоставяните от нас услуги следва да направите в рамките на предвидените нормативни разпоредби.

## Къде може да ни намерите
Община Хасково, пл. „Общински“ № 1, Хасково 6300.

- 038 603330 – информация и телефоните за контакт на всички служители;
- 038 603481 – телефонен секретар за сигнали за корупция;
- електронна страница: www.haskovo.bg;
- приемно време за граждани: всеки работен ден от 9:00 до 17:00 ч.";

pub const CHARTER_EN: &str = "Dear citizens, this charter tells you what level of service you can expect from the administration of Haskovo Municipality. It also tells you what we expect from you and what to do if something goes wrong. The charter will be updated, extended and corrected to meet changing needs.

The charter sets modern and higher standards and helps to improve administrative service in Haskovo Municipality. We want to give the best possible service to everyone who needs our help. The client charter is a document — a written expression of our will to cooperate with all our clients.

## The principles we keep when providing administrative services
- lawfulness in seeking and receiving an administrative service;
- equal conditions for everyone;
- timeliness and impartiality;
- openness, reliability and completeness of the services;
- protection of the right to information;
- protection of personal information;
- no discrimination;
- no conflicts of interest.

## What our employees owe you
The duties of our employees are set in the Code of Ethics for employees and include:
- not to let your rights be violated, and to treat everyone equally;
- to treat you with attention and respect, and to respect your dignity;
- to be honest and helpful;
- to serve you competently and professionally;
- to create a good environment for service;
- to keep confidentiality;
- when a problem arises, to tell you its causes and the final date by which you can receive the service.

## What you owe our employees
- to see administrative service as a continuous process of improvement in which both sides matter equally;
- to give complete and accurate information, with applications that contain the required details and the annexes the law requires;
- to respect our employees while they serve you: no insults, threats or other acts of retaliation;
- to tell us of any change of circumstances concerning you or others related to the service;
- to give your exact address and a telephone number;
- to send your proposals, signals, complaints, applications and requests in the way the law sets;
- to express your opinions, proposals and comments freely, so that we can improve our services.

## How you can tell us what you think
We actively seek your proposals, opinions, comments, signals and complaints, through the website www.haskovo.bg and the signal and proposal boxes in every unit that serves citizens.

We analyse your proposals, comments, praise and complaints and act on them when they are within the competence of Haskovo Municipality.

We answer in writing every written complaint about bad administration within 7 days of receiving it (unless an inspection is needed).

## Important to know
- Anonymous signals and complaints are not considered, unless the problem threatens the health and safety of citizens.
- The administration may leave unanswered questions, signals and complaints that contain obscene expressions or unfounded insults damaging the institution's reputation.
- The administration may not answer questions about the protection of personal data and classified information.
- All standards of administrative service are set by laws and regulations, and by ordinances of the Municipal Council of Haskovo.

## If you are not satisfied
If you are not satisfied with the service of an employee, you may submit a complaint, signal or proposal to the Mayor of Haskovo, orally or in writing.

Any other objection or appeal concerning our services should be made as the law provides.

## Where to find us
Haskovo Municipality, 1 Obshtinski Square, Haskovo 6300.

- +359 38 603330 — information and the telephone numbers of all employees;
- +359 38 603481 — answering machine for corruption signals;
- website: www.haskovo.bg;
- reception hours for citizens: every working day from 9:00 to 17:00.";

pub const CONTACTS_BG: &str = "## Адрес
Община Хасково, пл. „Общински“ № 1, 6300 Хасково.

## Телефони
- 038 603330 – информация и телефоните за контакт на всички служители;
- 038 603481 – телефонен секретар за сигнали за корупция (денонощно).

## Приемно време
Всеки работен ден от 9:00 до 17:00 ч. Кметът, заместник-кметът и секретарят на общината приемат граждани в приемното време след предварително записване — запишете се онлайн или по телефона 038 603330.";

pub const CONTACTS_EN: &str = "## Address
Haskovo Municipality, 1 Obshtinski Square, 6300 Haskovo, Bulgaria.

## Telephones
- +359 38 603330 — information and the telephone numbers of all employees;
- +359 38 603481 — answering machine for corruption signals (day and night).

## Reception hours
Every working day from 9:00 to 17:00. The Mayor, the Deputy Mayor and the Municipal Secretary receive citizens during reception hours by appointment — book online or by calling +359 38 603330.";

pub const CHANNELS_BG: &str = "Всяко предложение, мнение, коментар, сигнал, жалба, похвала, сигнал за корупция или заявление получава регистрационен номер, код за проследяване и срок за отговор — по който и начин да го подадете. Служител въвежда подаденото на хартия, по телефона или в кутия в същия регистър, в който постъпва подаденото през този портал.

## Кутии за сигнали и предложения
Във всички звена, които обслужват граждани, има кутии за сигнали и предложения. Напишете името и адреса си, ако искате отговор. Кутиите се отварят редовно и всяко писмо се регистрира.

## По телефона
- 038 603330 – информация; служителят ще запише устния Ви сигнал или предложение.
- 038 603481 – телефонен секретар за сигнали за корупция, денонощно.

Устно подадената жалба не е писмена: 7-дневният срок от хартата важи за писмените жалби. Ако желаете, служителят ще я запише и ще Ви даде да я подпишете.

## На място
В Центъра за административно обслужване, пл. „Общински“ № 1, всеки работен ден от 9:00 до 17:00 ч. — устно или писмено. Можете да се запишете за среща с кмета или с длъжностно лице.

## По пощата и по електронна поща
Писмо до Община Хасково, пл. „Общински“ № 1, 6300 Хасково, или по електронна поща на адреса, посочен на www.haskovo.bg.

## Анонимно
Анонимни сигнали и оплаквания не се разглеждат, освен ако проблемът застрашава здравето и сигурността на гражданите. Сигналите за корупция се разглеждат, а самоличността на подателя се пази.";

pub const CHANNELS_EN: &str = "Every proposal, opinion, comment, signal, complaint, praise, corruption signal or application gets a registration number, a tracking code and an answer date — however you send it. A clerk enters what arrives on paper, by phone or in a box into the same register as what is sent through this portal.

## Signal and proposal boxes
Every unit that serves citizens has a box for signals and proposals. Write your name and address if you want an answer. The boxes are opened regularly and every letter is registered.

## By phone
- +359 38 603330 — information; the clerk will take down your signal or proposal.
- +359 38 603481 — answering machine for corruption signals, day and night.

A complaint made orally is not a written complaint: the charter's 7-day promise covers written complaints. If you wish, the clerk will write it down for you to sign.

## In person
At the administrative service centre, 1 Obshtinski Square, every working day from 9:00 to 17:00 — orally or in writing. You can book a meeting with the Mayor or an official.

## By post and e-mail
A letter to Haskovo Municipality, 1 Obshtinski Square, 6300 Haskovo, or an e-mail to the address given on www.haskovo.bg.

## Anonymously
Anonymous signals and complaints are not considered unless the problem threatens the health and safety of citizens. Corruption signals are considered, and the sender's identity is protected.";

pub const PRIVACY_BG: &str = "Община Хасково е администратор на личните данни, които ни давате чрез този портал. Обработваме ги по Общия регламент относно защитата на данните (Регламент (ЕС) 2016/679) и Закона за защита на личните данни.

## Какви данни събираме
- при подаване: име, телефон, електронна поща и адрес за кореспонденция — само ако не подавате анонимно — и прикачените от Вас файлове;
- при записване за прием: име и телефон;
- настройките на портала (език, размер на текста, контраст) се пазят в бисквитки на Вашето устройство; не използваме бисквитки за проследяване или реклама.

## За какво ги използваме
Само за да разгледаме подаденото, да Ви отговорим и да Ви приемем в уговорения час. Не ги предоставяме на трети лица, освен когато законът го изисква — например при препращане по компетентност или на прокуратурата.

## Кой ги вижда
Само служителите, на които е възложена Вашата преписка. Всеки преглед на лични данни се записва в дневник. Самоличността на подател на сигнал за корупция е запечатана и се вижда само от определените за това служители.

## Колко време ги пазим
Пет години след приключване на преписката (една година за мнения, коментари и похвали), след което личните данни се заличават.

## Вашите права
Имате право на достъп до данните си — с номера и кода за проследяване можете да получите всичко, което пазим за Вас по преписката — както и право на коригиране, изтриване, ограничаване и възражение. Можете да подадете жалба до Комисията за защита на личните данни.";

pub const PRIVACY_EN: &str = "Haskovo Municipality is the controller of the personal data you give us through this portal. We process it under the General Data Protection Regulation (EU 2016/679) and the Bulgarian Personal Data Protection Act.

## What we collect
- when you submit: your name, phone, e-mail and postal address — only if you do not submit anonymously — and the files you attach;
- when you book a visit: your name and phone;
- the portal's settings (language, text size, contrast) are kept in cookies on your device; we use no tracking or advertising cookies.

## What we use it for
Only to handle what you sent, to answer you and to receive you at the booked time. We do not pass it to anyone unless the law requires it — for example when forwarding to the competent body or to the prosecutor.

## Who sees it
Only the employees handling your case. Every viewing of personal data is recorded in a journal. The identity of a person who reports corruption is sealed and seen only by the officers designated for it.

## How long we keep it
Five years after the case is finished (one year for opinions, comments and praise); then the personal data is erased.

## Your rights
You have the right of access — with the number and tracking code you can get everything we hold about you in the case — and the rights to rectification, erasure, restriction and objection. You may complain to the Commission for Personal Data Protection.";
