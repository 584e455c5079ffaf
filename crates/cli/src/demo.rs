//! Demo data: a month of realistic submissions to a Bulgarian municipality, loaded on first start.

use jiff::{SignedDuration, Timestamp};
use priemna_app::accounts::{Changer, StaffDraft, create_user};
use priemna_app::cases::{self, ActionRequest};
use priemna_app::intake::{self, IntakeError};
use priemna_app::staff::Staff;
use priemna_domain::DepartmentId;
use priemna_domain::clock::local_date;
use priemna_domain::clock::municipal_tz;
use priemna_domain::submission::{RawSubmission, RawSubmitter};
use priemna_web::AppState;

struct Sample {
    kind: &'static str,
    channel: &'static str,
    subject: &'static str,
    body: &'static str,
    /// (name, phone, email); `None` for anonymous.
    who: Option<(&'static str, &'static str, &'static str)>,
    location: Option<&'static str>,
    threat: bool,
    bad_administration: bool,
    about_employee: bool,
}

const fn s(
    kind: &'static str,
    channel: &'static str,
    subject: &'static str,
    body: &'static str,
    who: Option<(&'static str, &'static str, &'static str)>,
    location: Option<&'static str>,
) -> Sample {
    Sample {
        kind,
        channel,
        subject,
        body,
        who,
        location,
        threat: false,
        bad_administration: false,
        about_employee: false,
    }
}

const IVAN: Option<(&str, &str, &str)> =
    Some(("Иван Петров", "0888 123 456", "ivan.petrov@example.bg"));
const MARIA: Option<(&str, &str, &str)> = Some(("Мария Георгиева", "038 601 234", ""));
const GEORGI: Option<(&str, &str, &str)> = Some(("Георги Димитров", "", "g.dimitrov@example.bg"));
const ELENA: Option<(&str, &str, &str)> =
    Some(("Елена Стоянова", "0877 555 010", "elena.s@example.bg"));
const NIKOLAY: Option<(&str, &str, &str)> = Some(("Николай Иванов", "0899 222 333", ""));

fn samples() -> Vec<Sample> {
    let mut list = vec![
        s(
            "signal",
            "web",
            "Дупки на ул. „Отец Паисий“",
            "На ул. „Отец Паисий“ между №12 и №20 има големи дупки в асфалта, колите ги заобикалят в насрещното платно.",
            IVAN,
            Some("ул. „Отец Паисий“ 16"),
        ),
        s(
            "signal",
            "phone",
            "Не свети уличното осветление",
            "В кв. „Орфей“ от три вечери не свети уличното осветление по цялата улица зад блок 5.",
            MARIA,
            Some("кв. „Орфей“, бл. 5"),
        ),
        s(
            "proposal",
            "web",
            "Велоалея по бул. „България“",
            "Предлагам да се изгради велоалея по бул. „България“, която да свърже центъра с Парк-музея.",
            GEORGI,
            None,
        ),
        s(
            "praise",
            "signal_box",
            "Благодарност към служителката на гише 3",
            "Благодаря на служителката на гише 3 в центъра за услуги — бързо и любезно ми помогна с удостоверението.",
            ELENA,
            None,
        ),
        s(
            "opinion",
            "email",
            "Мнение за новото паркиране в центъра",
            "Синята зона е добра идея, но таксата за живущите е висока.",
            NIKOLAY,
            Some("център"),
        ),
        s(
            "comment",
            "web",
            "Коментар за графика на сметосъбирането",
            "Графикът на сайта не отговаря на действителното събиране в кв. „Куба“.",
            None,
            Some("кв. „Куба“"),
        ),
        s(
            "signal",
            "signal_box",
            "Нерегламентирано сметище",
            "До гаражите на ул. „Шипка“ се изхвърлят строителни отпадъци и стари мебели.",
            None,
            Some("ул. „Шипка“"),
        ),
        s(
            "application",
            "in_person_written",
            "Искане за издаване на удостоверение за наследници",
            "Моля да ми бъде издадено удостоверение за наследници на починалия ми баща.",
            IVAN,
            None,
        ),
        s(
            "proposal",
            "post",
            "Повече пейки в парка",
            "Предлагам да се поставят повече пейки и сенници на детската площадка в парка.",
            MARIA,
            Some("Градски парк"),
        ),
        s(
            "signal",
            "email",
            "Счупена детска люлка",
            "Люлката на площадката до бл. 12 е счупена и е опасна за децата.",
            ELENA,
            Some("кв. „Воеводски“, бл. 12"),
        ),
        s(
            "comment",
            "in_person_oral",
            "Коментар за работното време на център за услуги",
            "Би било удобно центърът за услуги да работи и един съботен ден в месеца.",
            None,
            None,
        ),
        s(
            "praise",
            "web",
            "Похвала за ремонта на улицата",
            "Ремонтът на ул. „Данаил Николаев“ е направен бързо и качествено. Благодаря!",
            GEORGI,
            Some("ул. „Данаил Николаев“"),
        ),
        s(
            "opinion",
            "web",
            "Мнение за проекта за бюджет",
            "Подкрепям увеличението на средствата за училищата в проекта за бюджет.",
            NIKOLAY,
            None,
        ),
        s(
            "application",
            "email",
            "Заявление за разрешение за поставяне на маса пред заведение",
            "Моля за разрешение за поставяне на 4 маси на тротоара пред заведението ни.",
            GEORGI,
            Some("бул. „България“ 40"),
        ),
    ];
    list.push(Sample {
        threat: true,
        ..s(
            "signal",
            "phone",
            "Паднал клон върху тротоара",
            "Голям клон е паднал и виси над тротоара пред училището, опасно е за децата.",
            None,
            Some("ул. „Македония“"),
        )
    });
    list.push(Sample {
        bad_administration: true,
        ..s("complaint", "in_person_written", "Жалба за забавено удостоверение", "Подадох искане преди месец и още не съм получил удостоверението, никой не ми отговаря на телефона.", NIKOLAY, None)
    });
    list.push(Sample {
        bad_administration: true,
        about_employee: true,
        ..s(
            "complaint",
            "web",
            "Грубо отношение на гишето",
            "Служител на гише 5 отказа да приеме документите ми без обяснение и повиши тон.",
            ELENA,
            None,
        )
    });
    list.push(s(
        "corruption_signal",
        "phone",
        "Искане на пари за ускоряване на разрешение",
        "Служител ми поиска пари, за да ускори разрешението за строеж. Оставих съобщение на телефонния секретар за сигнали за корупция.",
        IVAN,
        None,
    ));
    list.push(s(
        "complaint",
        "web",
        "Въпрос за личните ми данни",
        "Искам да знам кой има достъп до личните ми данни, събрани при подаване на декларация.",
        MARIA,
        None,
    ));
    list.push(s(
        "signal",
        "web",
        "Безстопанствени кучета",
        "Глутница безстопанствени кучета гони децата при спирката.",
        None,
        Some("спирка „Болницата“"),
    ));
    list
}

fn raw(sample: &Sample) -> RawSubmission {
    let submitter = sample.who.map(|(name, phone, email)| RawSubmitter {
        name: Some(name.into()),
        address: Some("гр. Хасково".into()),
        phone: Some(phone.into()),
        email: Some(email.into()),
        egn: None,
    });
    RawSubmission {
        kind: Some(sample.kind.into()),
        channel: Some(sample.channel.into()),
        subject: Some(sample.subject.into()),
        body: Some(sample.body.into()),
        submitter,
        anonymous: None,
        health_or_safety_threat: Some(sample.threat),
        about_bad_administration: Some(sample.bad_administration),
        about_employee: Some(sample.about_employee),
        in_writing: None,
        violation_date: None,
        address: sample.location.map(Into::into),
        // The demo's people agreed, as the portal's check box asks.
        consent: Some(true),
    }
}

/// Loads the samples, spread over the past weeks, if the register is empty.
pub async fn load_if_empty(app: &AppState) -> anyhow::Result<()> {
    if app.store.count_submissions().await? > 0 {
        tracing::info!("demo data not loaded: the register already holds submissions");
        return Ok(());
    }
    let now = app.clock.now();
    let samples = samples();
    let count = samples.len() as i64;
    for (i, sample) in samples.iter().enumerate() {
        // Oldest first, about two days apart, in the morning of their day.
        let days_ago = (count - i as i64) * 2;
        let received: Timestamp = now
            .checked_sub(SignedDuration::from_hours(days_ago * 24))
            .map(|t| t.to_zoned(municipal_tz()))
            .and_then(|z| z.date().at(9, 15, 0, 0).to_zoned(municipal_tz()))
            .and_then(|z| z.checked_add(SignedDuration::from_mins(i as i64 * 7)))
            .map(|z| z.timestamp())
            .unwrap_or(now);
        let entered_by = if sample.channel == "web" || sample.channel == "email" {
            "citizen"
        } else {
            "clerk:demo"
        };
        match intake::register(app, &raw(sample), received, entered_by).await {
            Ok(receipt) => {
                if i < 3 {
                    println!(
                        "demo: {} — tracking code {}",
                        receipt.registered.number, receipt.registered.tracking_code
                    );
                }
            }
            Err(IntakeError::Invalid(errors)) => {
                anyhow::bail!("demo sample {i} is invalid: {errors:?}")
            }
            Err(IntakeError::Store(e)) => return Err(e.into()),
        }
    }
    // Requests as Open311 applications post them (with places on the map).
    priemna_web::open311::demo::load(app, now)
        .await
        .map_err(|e| anyhow::anyhow!("demo Open311 requests: {:?}", e.problems))?;
    tracing::info!(count, "demo data loaded");
    load_staff_if_none(app).await?;
    load_statistics_history(app).await
}

/// Demo departments and one member of staff per role, with random passwords printed once, and a
/// few cases already routed and answered, so that the back office can be tried at once.
async fn load_staff_if_none(app: &AppState) -> anyhow::Result<()> {
    if !app.store.users().await?.is_empty() {
        return Ok(());
    }
    let now = app.clock.now();
    let actor = "demo";
    let roads = app
        .store
        .create_department("Пътища и благоустройство", now, actor)
        .await?;
    let ecology = app
        .store
        .create_department("Екология и чистота", now, actor)
        .await?;
    // Whistleblower reports go to the inspectorate, whose inspector is designated for them.
    let inspectorate = app
        .store
        .create_department("Инспекторат", now, actor)
        .await?;
    let people = [
        (
            "admin",
            "Администратор на системата",
            "administrator",
            None,
            false,
        ),
        ("clerk", "Мария Деловодова", "registry_clerk", None, true),
        (
            "head",
            "Петър Началников",
            "department_head",
            Some(roads.id),
            false,
        ),
        (
            "officer",
            "Иванка Експертова",
            "case_officer",
            Some(roads.id),
            false,
        ),
        (
            "eco",
            "Стоян Зеленков",
            "case_officer",
            Some(ecology.id),
            false,
        ),
        (
            "inspector",
            "Радослав Честнов",
            "case_officer",
            Some(inspectorate.id),
            true,
        ),
        ("mayor", "Кабинет на кмета", "mayors_office", None, false),
        ("auditor", "Одитор Проверкин", "auditor", None, false),
    ];
    let mut accounts = Vec::new();
    for (username, name, role, department_id, corruption_officer) in people {
        let password: String = {
            use rand::Rng;
            const CHARS: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
            let mut rng = rand::rng();
            (0..14)
                .map(|_| char::from(CHARS[rng.random_range(0..CHARS.len())]))
                .collect()
        };
        let draft = StaffDraft {
            username: username.into(),
            display_name: name.into(),
            role: role.into(),
            password: password.clone(),
            department_id,
            corruption_officer,
            email: None,
        };
        let (user, _) = create_user(app, Changer::Operator(actor), &draft)
            .await
            .map_err(|e| anyhow::anyhow!("demo user {username}: {e}"))?;
        println!(
            "demo staff: {username} / {password} ({})",
            user.role.label_bg()
        );
        accounts.push(user);
    }
    app.store
        .set_department_head(
            roads.id,
            accounts.iter().find(|u| u.username == "head").map(|u| u.id),
            now,
            actor,
        )
        .await?;
    // Route the first signals and complaints; answer two of them.
    let staff = |username: &str| {
        accounts
            .iter()
            .find(|u| u.username == username)
            .map(|u| Staff {
                user: u.clone(),
                csrf_token: String::new(),
                token_hash: String::new(),
                via_cookie: false,
                mail_off: false,
            })
    };
    let (Some(clerk), Some(officer)) = (staff("clerk"), staff("officer")) else {
        return Ok(());
    };
    let officer_id = officer.user.id;
    // The whistleblower's report goes to the designated inspector, who can take it to an answer
    // (its 7-day acknowledgement is watched like any deadline).
    if let Some(inspector) = staff("inspector") {
        let sealed = app
            .store
            .inbox(&priemna_store::InboxFilter {
                kind: Some(priemna_domain::Kind::CorruptionSignal),
                include_sealed: true,
                open_only: true,
                limit: 10,
                ..priemna_store::InboxFilter::default()
            })
            .await?;
        for case in sealed {
            let assign = ActionRequest {
                action: "assign".into(),
                department_id: Some(inspectorate.id),
                assignee_id: Some(inspector.user.id),
                ..ActionRequest::default()
            };
            let number = case.number.to_string();
            if let Err(e) = cases::perform(app, &clerk, &number, &assign).await {
                tracing::warn!(%number, error = ?e, "demo: the report was not routed");
            }
        }
    }
    let mut answered = 0;
    for number in ["2026-000001", "2026-000002", "2026-000007", "2026-000010"] {
        let number = format!("{}{}", local_date(now).year(), &number[4..]);
        let assign = ActionRequest {
            action: "assign".into(),
            department_id: Some(roads.id),
            assignee_id: Some(officer_id),
            ..ActionRequest::default()
        };
        if cases::perform(app, &clerk, &number, &assign).await.is_err() {
            continue;
        }
        if answered < 2 {
            let answer = ActionRequest {
                action: "answer".into(),
                text: Some(
                    "Благодарим за сигнала. Екип на общината отстрани проблема; ремонтът е приключен."
                        .into(),
                ),
                ..ActionRequest::default()
            };
            if cases::perform(app, &officer, &number, &answer)
                .await
                .is_ok()
            {
                answered += 1;
            }
        }
    }
    Ok(())
}

/// Five earlier months of cases whose fate is known, so that the statistics have something to
/// show: answered on time and late, rated, left unanswered, still open past the deadline. Each
/// action is taken at its own past moment (an application state whose clock stands still then),
/// by the first member of the Mayor's office, routed to the first two departments.
async fn load_statistics_history(app: &AppState) -> anyhow::Result<()> {
    struct At(Timestamp);
    impl priemna_domain::Clock for At {
        fn now(&self) -> Timestamp {
            self.0
        }
    }
    /// Answered after so many days, then rated 1 … 5 (0: not rated); left open, not yet routed;
    /// or, for an anonymous signal, left unanswered under the charter.
    enum Fate {
        Answered(i64, u8),
        Open,
        Unanswered,
    }
    use Fate::{Answered, Open, Unanswered};
    fn assign_to(department: DepartmentId) -> ActionRequest {
        ActionRequest {
            action: "assign".into(),
            department_id: Some(department),
            ..ActionRequest::default()
        }
    }
    /// (months ago, day of the month, kind, channel, subject, what became of it)
    #[rustfmt::skip]
    fn history() -> Vec<(u8, i8, &'static str, &'static str, &'static str, Fate)> {
        vec![
            (5, 3, "signal", "web", "Дупки на ул. „Васил Левски“", Answered(12, 4)),
            (5, 8, "complaint", "in_person_written", "Забавено удостоверение за наследници", Answered(5, 5)),
            (5, 14, "proposal", "email", "Пейки в парк „Ямача“", Answered(30, 0)),
            (5, 21, "complaint", "post", "Неотговорено писмо до „Местни данъци“", Answered(11, 2)),
            (4, 2, "signal", "phone", "Неизвозен боклук на ул. „Стара планина“", Answered(6, 5)),
            (4, 9, "application", "in_person_written", "Разрешение за ремонт на тротоар", Answered(10, 0)),
            (4, 15, "signal", "signal_box", "Счупена детска площадка", Unanswered),
            (4, 22, "praise", "email", "Благодарност към служителите на гише 3", Answered(2, 5)),
            (4, 24, "complaint", "in_person_written", "Грубо отношение на гишето", Answered(9, 1)),
            (3, 1, "signal", "web", "Улично осветление не работи на ул. „Опълченска“", Answered(8, 4)),
            (3, 7, "complaint", "in_person_written", "Забавено издаване на скица", Answered(4, 4)),
            (3, 16, "proposal", "web", "Велоалея по бул. „България“", Answered(45, 3)),
            (3, 23, "signal", "phone", "Бездомни кучета в кв. „Орфей“", Answered(15, 0)),
            (2, 2, "complaint", "post", "Забавен отговор за данъчна оценка", Answered(13, 2)),
            (2, 6, "signal", "web", "Дупки на ул. „Отец Паисий“", Answered(18, 5)),
            (2, 13, "application", "in_person_written", "Удостоверение за наследници", Answered(7, 4)),
            (2, 20, "complaint", "in_person_written", "Забавено разрешение за строеж", Open),
            (1, 5, "signal", "web", "Неизвозен боклук в кв. „Болярово“", Answered(9, 4)),
            (1, 12, "complaint", "in_person_written", "Забавена адресна регистрация", Answered(6, 5)),
            (1, 19, "opinion", "email", "Мнение за новия график на автобусите", Open),
        ]
    }
    let accounts = app.store.users().await?;
    let departments: Vec<DepartmentId> = app
        .store
        .departments()
        .await?
        .iter()
        .map(|d| d.id)
        .collect();
    let (Some(mayor), Some(first)) = (
        accounts
            .iter()
            .find(|u| u.active && u.role == priemna_domain::access::Role::MayorsOffice),
        departments.first(),
    ) else {
        return Ok(());
    };
    let second = *departments.get(1).unwrap_or(first);
    let mayor = Staff {
        user: mayor.clone(),
        csrf_token: String::new(),
        token_hash: String::new(),
        via_cookie: false,
        mail_off: false,
    };
    let now = app.clock.now();
    let this_month = local_date(now).first_of_month();
    let at_time = |at: Timestamp| {
        let mut state = app.clone();
        state.app.clock = std::sync::Arc::new(At(at));
        state
    };
    let people = [IVAN, MARIA, GEORGI, ELENA, NIKOLAY];
    for (i, (months_ago, day, kind, channel, subject, fate)) in history().into_iter().enumerate() {
        let received = this_month
            .checked_sub(jiff::Span::new().months(months_ago))
            .ok()
            .and_then(|first| first.with().day(day).build().ok())
            .and_then(|d| d.at(9, 30, 0, 0).to_zoned(municipal_tz()).ok())
            .map(|z| z.timestamp());
        let Some(received) = received else { continue };
        let who = match fate {
            Unanswered => None,
            _ => people[i % people.len()],
        };
        let mut sample = s(
            kind,
            channel,
            subject,
            "Моля, разгледайте въпроса.",
            who,
            None,
        );
        sample.bad_administration = kind == "complaint";
        let entered_by = if channel == "web" || channel == "email" {
            "citizen"
        } else {
            "clerk:demo"
        };
        let number = match intake::register(app, &raw(&sample), received, entered_by).await {
            Ok(receipt) => receipt.registered.number,
            Err(IntakeError::Invalid(errors)) => {
                anyhow::bail!("demo history case {subject:?} is invalid: {errors:?}")
            }
            Err(IntakeError::Store(e)) => return Err(e.into()),
        };
        let number_text = number.to_string();
        // A moment so many hours after receipt, if it has come.
        let later = |hours: i64| {
            received
                .checked_add(SignedDuration::from_hours(hours))
                .ok()
                .filter(|t| *t < now)
        };
        let (first_action, then) = match fate {
            Unanswered => (
                ActionRequest {
                    action: "leave_unanswered".into(),
                    rule: Some("anonymous_not_considered".into()),
                    reason: Some(
                        "Анонимен сигнал без заплаха за здравето или безопасността.".into(),
                    ),
                    ..ActionRequest::default()
                },
                None,
            ),
            // Still waiting for the registry, past its deadline by now.
            Open => continue,
            Answered(days, rating) => (
                assign_to(if i % 2 == 0 { *first } else { second }),
                Some((days, rating)),
            ),
        };
        let Some(at) = later(2) else { continue };
        if cases::perform(&at_time(at), &mayor, &number_text, &first_action)
            .await
            .is_err()
        {
            continue;
        }
        let Some((days, rating)) = then else { continue };
        let answer = ActionRequest {
            action: "answer".into(),
            text: Some("Благодарим Ви. Проверихме въпроса и направихме необходимото.".into()),
            ..ActionRequest::default()
        };
        let Some(at) = later(days * 24 + 4) else {
            continue;
        };
        let answered = cases::perform(&at_time(at), &mayor, &number_text, &answer).await;
        if let (Ok(_), 1..=5, Some(rated_at)) = (answered, rating, later(days * 24 + 30)) {
            let survey = priemna_store::Survey {
                rating,
                on_time: None,
                clear: Some(rating >= 3),
                comment: None,
            };
            app.store.record_survey(number, survey, rated_at).await?;
        }
    }
    Ok(())
}
