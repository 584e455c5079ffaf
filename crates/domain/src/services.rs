//! The municipality's service catalogue: what a citizen can report or ask for through Open311
//! (GeoReport v2), each service mapped onto one of the charter's kinds, with its questions
//! (Open311 "attributes") and what their answers mean for the charter's rules.
//!
//! The problem categories (street lighting, roads, waste, …) are signals about public places:
//! their requests are public, as on every Open311 and FixMyStreet site. The charter's other
//! kinds (proposals, complaints, applications, …) are accepted too, but their text and location
//! are never shown in public. Corruption signals are not offered: the law gives whistleblowers
//! a protected channel, not an open API.

use crate::kinds::Kind;
use jiff::civil::Date;
use std::collections::BTreeMap;

/// The value types of an Open311 attribute.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Datatype {
    String,
    Number,
    Datetime,
    Text,
    SingleValueList,
    MultiValueList,
}

impl Datatype {
    pub fn as_str(self) -> &'static str {
        match self {
            Datatype::String => "string",
            Datatype::Number => "number",
            Datatype::Datetime => "datetime",
            Datatype::Text => "text",
            Datatype::SingleValueList => "singlevaluelist",
            Datatype::MultiValueList => "multivaluelist",
        }
    }
}

/// What an attribute's answer means for the charter's rules, beyond being recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Meaning {
    /// Only recorded with the submission.
    Informative,
    /// `yes`: the problem threatens citizens' health or safety (anonymous signals are then
    /// considered under the charter).
    HealthOrSafetyThreat,
    /// `yes`: a complaint about bad administration (the charter's 7-day deadline).
    BadAdministration,
    /// The date the reported violation happened (signals older than 2 years are not proceeded
    /// with).
    ViolationDate,
}

/// One question of a service (an Open311 attribute).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attribute {
    pub code: &'static str,
    pub datatype: Datatype,
    pub required: bool,
    /// The question, as the citizen sees it.
    pub description: &'static str,
    /// How to fill it in.
    pub datatype_description: &'static str,
    pub order: u32,
    /// `(key, name)` for list types.
    pub values: &'static [(&'static str, &'static str)],
    pub meaning: Meaning,
}

/// One service a citizen can request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Service {
    pub code: &'static str,
    pub name: &'static str,
    pub description: &'static str,
    pub group: &'static str,
    pub keywords: &'static [&'static str],
    /// The charter's kind the request is registered as.
    pub kind: Kind,
    /// Requests are public (description, address and location shown in `GET requests`).
    pub public: bool,
    /// A location (`lat`+`long`, `address_string` or `address_id`) is required.
    pub needs_location: bool,
    /// Told to the citizen on posting, and in the request's `service_notice`.
    pub notice: Option<&'static str>,
    pub attributes: &'static [Attribute],
}

impl Service {
    /// Whether the service has attributes (Open311's `metadata`).
    pub fn metadata(&self) -> bool {
        !self.attributes.is_empty()
    }

    pub fn attribute(&self, code: &str) -> Option<&'static Attribute> {
        self.attributes.iter().find(|a| a.code == code)
    }
}

const YES_NO: &[(&str, &str)] = &[("yes", "Да"), ("no", "Не")];

const DANGER: Attribute = Attribute {
    code: "danger",
    datatype: Datatype::SingleValueList,
    required: false,
    description: "Застрашава ли проблемът здравето или безопасността на хората?",
    datatype_description: "„Да“, ако има непосредствена опасност (тогава и анонимен сигнал се разглежда по Хартата на клиента).",
    order: 90,
    values: YES_NO,
    meaning: Meaning::HealthOrSafetyThreat,
};

const OCCURRED_ON: Attribute = Attribute {
    code: "occurred_on",
    datatype: Datatype::Datetime,
    required: false,
    description: "Кога е станало нарушението?",
    datatype_description: "Дата (ГГГГ-ММ-ДД) или дата и час по ISO 8601; не в бъдещето.",
    order: 80,
    values: &[],
    meaning: Meaning::ViolationDate,
};

/// The catalogue, in the order it is listed.
pub const SERVICES: &[Service] = &[
    Service {
        code: "street_lighting",
        name: "Улично осветление",
        description: "Неработещо, мигащо или денем светещо улично осветление; повреден стълб или осветително тяло.",
        group: "Инфраструктура",
        keywords: &["осветление", "лампа", "стълб", "тъмно"],
        kind: Kind::Signal,
        public: true,
        needs_location: true,
        notice: None,
        attributes: &[
            Attribute {
                code: "problem",
                datatype: Datatype::SingleValueList,
                required: true,
                description: "Какъв е проблемът?",
                datatype_description: "Изберете една от стойностите.",
                order: 10,
                values: &[
                    ("not_lit", "Не свети"),
                    ("flickering", "Мига"),
                    ("lit_by_day", "Свети през деня"),
                    ("damaged", "Повреден стълб или осветително тяло"),
                ],
                meaning: Meaning::Informative,
            },
            Attribute {
                code: "lamps",
                datatype: Datatype::Number,
                required: false,
                description: "Колко лампи не работят?",
                datatype_description: "Цяло число от 1 до 1000.",
                order: 20,
                values: &[],
                meaning: Meaning::Informative,
            },
            DANGER,
        ],
    },
    Service {
        code: "roads_potholes",
        name: "Пътища, тротоари и дупки",
        description: "Дупки и пропадания в пътното платно или тротоара, разбити бордюри, липсващи капаци на шахти.",
        group: "Инфраструктура",
        keywords: &["дупка", "асфалт", "тротоар", "шахта", "път"],
        kind: Kind::Signal,
        public: true,
        needs_location: true,
        notice: None,
        attributes: &[
            Attribute {
                code: "surface",
                datatype: Datatype::SingleValueList,
                required: true,
                description: "Къде е проблемът?",
                datatype_description: "Изберете една от стойностите.",
                order: 10,
                values: &[
                    ("road", "Пътно платно"),
                    ("sidewalk", "Тротоар"),
                    ("manhole", "Шахта или капак"),
                ],
                meaning: Meaning::Informative,
            },
            DANGER,
        ],
    },
    Service {
        code: "waste_collection",
        name: "Сметосъбиране",
        description: "Несъбрани отпадъци, препълнени или повредени съдове за смет.",
        group: "Чистота",
        keywords: &["боклук", "смет", "контейнер", "кофа"],
        kind: Kind::Signal,
        public: true,
        needs_location: true,
        notice: None,
        attributes: &[Attribute {
            code: "problem",
            datatype: Datatype::SingleValueList,
            required: true,
            description: "Какъв е проблемът?",
            datatype_description: "Изберете една от стойностите.",
            order: 10,
            values: &[
                ("not_collected", "Отпадъците не са събрани"),
                ("overflowing", "Препълнени съдове"),
                ("damaged_bin", "Повреден или липсващ съд"),
            ],
            meaning: Meaning::Informative,
        }],
    },
    Service {
        code: "illegal_dumping",
        name: "Нерегламентирано сметище",
        description: "Изхвърлени строителни, битови или опасни отпадъци извън определените места.",
        group: "Чистота",
        keywords: &["сметище", "отпадъци", "строителни"],
        kind: Kind::Signal,
        public: true,
        needs_location: true,
        notice: None,
        attributes: &[
            Attribute {
                code: "waste",
                datatype: Datatype::MultiValueList,
                required: false,
                description: "Какви отпадъци?",
                datatype_description: "Изберете една или повече стойности.",
                order: 10,
                values: &[
                    ("construction", "Строителни"),
                    ("household", "Битови"),
                    ("furniture", "Мебели и едрогабаритни"),
                    ("hazardous", "Опасни (гуми, масла, азбест)"),
                ],
                meaning: Meaning::Informative,
            },
            OCCURRED_ON,
            DANGER,
        ],
    },
    Service {
        code: "parks_playgrounds",
        name: "Паркове, зелени площи и детски площадки",
        description: "Счупени уреди на детски площадки, паднали или опасни дървета и клони, неподдържани зелени площи.",
        group: "Околна среда",
        keywords: &["парк", "люлка", "площадка", "дърво", "клон", "трева"],
        kind: Kind::Signal,
        public: true,
        needs_location: true,
        notice: None,
        attributes: &[
            Attribute {
                code: "problem",
                datatype: Datatype::SingleValueList,
                required: true,
                description: "Какъв е проблемът?",
                datatype_description: "Изберете една от стойностите.",
                order: 10,
                values: &[
                    ("broken_equipment", "Счупен уред на детска площадка"),
                    ("tree", "Паднало или опасно дърво или клон"),
                    ("unmaintained", "Неподдържана зелена площ"),
                    ("other", "Друго"),
                ],
                meaning: Meaning::Informative,
            },
            DANGER,
        ],
    },
    Service {
        code: "stray_animals",
        name: "Безстопанствени животни",
        description: "Безстопанствени кучета или други животни, агресивни или пострадали животни.",
        group: "Обществен ред",
        keywords: &["куче", "кучета", "глутница", "животно"],
        kind: Kind::Signal,
        public: true,
        needs_location: true,
        notice: None,
        attributes: &[
            Attribute {
                code: "animal",
                datatype: Datatype::SingleValueList,
                required: true,
                description: "Какво животно?",
                datatype_description: "Изберете една от стойностите.",
                order: 10,
                values: &[("dog", "Куче"), ("cat", "Котка"), ("other", "Друго")],
                meaning: Meaning::Informative,
            },
            Attribute {
                code: "count",
                datatype: Datatype::Number,
                required: false,
                description: "Колко са животните?",
                datatype_description: "Цяло число от 1 до 1000.",
                order: 20,
                values: &[],
                meaning: Meaning::Informative,
            },
            DANGER,
        ],
    },
    Service {
        code: "water_sewerage",
        name: "Водопровод и канализация (препраща се към ВиК)",
        description: "Аварии по водопровода, изтичаща вода, запушена или преливаща канализация.",
        group: "Инфраструктура",
        keywords: &["вода", "авария", "канализация", "ВиК", "шахта"],
        kind: Kind::Signal,
        public: true,
        needs_location: true,
        notice: Some(
            "Водопроводът и канализацията се стопанисват от ВиК оператора, не от общината: сигналът се регистрира и се препраща по компетентност, за което ще бъдете уведомени.",
        ),
        attributes: &[DANGER],
    },
    Service {
        code: "noise",
        name: "Шум",
        description: "Шум от заведения, строителство или други източници, особено в часовете за отдих.",
        group: "Обществен ред",
        keywords: &["шум", "музика", "строителство", "нощ"],
        kind: Kind::Signal,
        public: true,
        needs_location: true,
        notice: None,
        attributes: &[
            Attribute {
                code: "source",
                datatype: Datatype::SingleValueList,
                required: true,
                description: "Какъв е източникът на шума?",
                datatype_description: "Изберете една от стойностите.",
                order: 10,
                values: &[
                    ("venue", "Заведение"),
                    ("construction", "Строителство"),
                    ("other", "Друго"),
                ],
                meaning: Meaning::Informative,
            },
            OCCURRED_ON,
        ],
    },
    Service {
        code: "graffiti_vandalism",
        name: "Графити и вандализъм",
        description: "Надписи и щети по общинско имущество: спирки, пейки, сгради, паметници.",
        group: "Обществен ред",
        keywords: &["графити", "вандализъм", "надпис", "счупено"],
        kind: Kind::Signal,
        public: true,
        needs_location: true,
        notice: None,
        attributes: &[OCCURRED_ON],
    },
    Service {
        code: "snow_ice",
        name: "Снегопочистване и заледяване",
        description: "Непочистени от сняг или заледени улици, тротоари и спирки.",
        group: "Инфраструктура",
        keywords: &["сняг", "лед", "поледица", "опесъчаване"],
        kind: Kind::Signal,
        public: true,
        needs_location: true,
        notice: None,
        attributes: &[DANGER],
    },
    Service {
        code: "signal",
        name: "Друг сигнал",
        description: "Сигнал за нарушение или проблем, който не е в другите категории.",
        group: "Харта на клиента",
        keywords: &["сигнал", "нарушение"],
        kind: Kind::Signal,
        public: false,
        needs_location: false,
        notice: None,
        attributes: &[OCCURRED_ON, DANGER],
    },
    Service {
        code: "complaint",
        name: "Жалба",
        description: "Жалба срещу действие или бездействие на общинската администрация.",
        group: "Харта на клиента",
        keywords: &["жалба", "оплакване"],
        kind: Kind::Complaint,
        public: false,
        needs_location: false,
        notice: None,
        attributes: &[Attribute {
            code: "bad_administration",
            datatype: Datatype::SingleValueList,
            required: true,
            description: "Жалба ли е за лошо администриране (забавяне, неучтивост, грешка на служител)?",
            datatype_description: "„Да“: Хартата на клиента обещава отговор в 7-дневен срок.",
            order: 10,
            values: YES_NO,
            meaning: Meaning::BadAdministration,
        }],
    },
    Service {
        code: "proposal",
        name: "Предложение",
        description: "Предложение за подобряване на работата на общината или на живота в града.",
        group: "Харта на клиента",
        keywords: &["предложение", "идея"],
        kind: Kind::Proposal,
        public: false,
        needs_location: false,
        notice: None,
        attributes: &[],
    },
    Service {
        code: "opinion",
        name: "Мнение",
        description: "Мнение по решение, проект или услуга на общината.",
        group: "Харта на клиента",
        keywords: &["мнение"],
        kind: Kind::Opinion,
        public: false,
        needs_location: false,
        notice: None,
        attributes: &[],
    },
    Service {
        code: "comment",
        name: "Коментар",
        description: "Коментар за услуга или информация на общината.",
        group: "Харта на клиента",
        keywords: &["коментар"],
        kind: Kind::Comment,
        public: false,
        needs_location: false,
        notice: None,
        attributes: &[],
    },
    Service {
        code: "praise",
        name: "Похвала",
        description: "Похвала за служител или услуга.",
        group: "Харта на клиента",
        keywords: &["похвала", "благодарност"],
        kind: Kind::Praise,
        public: false,
        needs_location: false,
        notice: None,
        attributes: &[],
    },
    Service {
        code: "application",
        name: "Заявление",
        description: "Искане за административна услуга или за издаване на документ.",
        group: "Харта на клиента",
        keywords: &["заявление", "искане", "удостоверение"],
        kind: Kind::Application,
        public: false,
        needs_location: false,
        notice: Some(
            "За някои услуги се изискват документи или такса; служител ще се свърже с Вас на посочения адрес за контакт.",
        ),
        attributes: &[],
    },
];

/// The service with this code, if any.
pub fn service(code: &str) -> Option<&'static Service> {
    SERVICES.iter().find(|s| s.code == code)
}

/// A point on the map (WGS 84 degrees).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GeoPoint {
    pub lat: f64,
    pub long: f64,
}

impl GeoPoint {
    /// A point with a latitude in −90…90 and a longitude in −180…180.
    pub fn new(lat: f64, long: f64) -> Option<GeoPoint> {
        let ok = lat.is_finite()
            && long.is_finite()
            && (-90.0..=90.0).contains(&lat)
            && (-180.0..=180.0).contains(&long);
        ok.then_some(GeoPoint { lat, long })
    }
}

/// What is wrong with one answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AttributeProblem {
    Missing,
    UnknownAttribute,
    /// Not one of the list's keys.
    UnknownValue {
        allowed: Vec<&'static str>,
    },
    /// Several values for a single-value attribute.
    SeveralValues,
    NotANumber,
    NotADate,
    FutureDate,
    TooLong {
        max_chars: usize,
    },
}

impl AttributeProblem {
    pub fn message_bg(&self) -> String {
        match self {
            AttributeProblem::Missing => "отговорът е задължителен".into(),
            AttributeProblem::UnknownAttribute => "услугата няма такъв въпрос".into(),
            AttributeProblem::UnknownValue { allowed } => {
                format!("непозната стойност; допустими са: {}", allowed.join(", "))
            }
            AttributeProblem::SeveralValues => "допуска се само една стойност".into(),
            AttributeProblem::NotANumber => "очаква се цяло число от 1 до 1000".into(),
            AttributeProblem::NotADate => {
                "очаква се дата (ГГГГ-ММ-ДД) или дата и час по ISO 8601".into()
            }
            AttributeProblem::FutureDate => "датата е в бъдещето".into(),
            AttributeProblem::TooLong { max_chars } => {
                format!("текстът е по-дълъг от {max_chars} знака")
            }
        }
    }

    pub fn message_en(&self) -> String {
        match self {
            AttributeProblem::Missing => "an answer is required".into(),
            AttributeProblem::UnknownAttribute => "the service has no such attribute".into(),
            AttributeProblem::UnknownValue { allowed } => {
                format!("unknown value; allowed: {}", allowed.join(", "))
            }
            AttributeProblem::SeveralValues => "only one value is allowed".into(),
            AttributeProblem::NotANumber => "expected a whole number from 1 to 1000".into(),
            AttributeProblem::NotADate => {
                "expected a date (YYYY-MM-DD) or an ISO 8601 date-time".into()
            }
            AttributeProblem::FutureDate => "the date is in the future".into(),
            AttributeProblem::TooLong { max_chars } => {
                format!("longer than {max_chars} characters")
            }
        }
    }
}

/// The longest answer to a text attribute.
pub const MAX_ATTRIBUTE_CHARS: usize = 1000;

/// The answers to a service's questions, checked, and what they mean for the rules.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answers {
    /// `code → values`, as given (list keys, numbers, dates), in the catalogue's order.
    pub values: BTreeMap<String, Vec<String>>,
    pub health_or_safety_threat: Option<bool>,
    pub about_bad_administration: Option<bool>,
    pub violation_date: Option<Date>,
}

impl Answers {
    /// The answers as text for the case file, one line per question, in Bulgarian.
    pub fn summary(&self, service: &Service) -> Vec<String> {
        let mut attributes: Vec<&Attribute> = service.attributes.iter().collect();
        attributes.sort_by_key(|a| a.order);
        attributes
            .iter()
            .filter_map(|a| {
                let values = self.values.get(a.code)?;
                let shown: Vec<&str> = values
                    .iter()
                    .map(|v| {
                        a.values
                            .iter()
                            .find(|(key, _)| key == v)
                            .map(|(_, name)| *name)
                            .unwrap_or(v.as_str())
                    })
                    .collect();
                Some(format!("{} {}", a.description, shown.join(", ")))
            })
            .collect()
    }
}

/// The date part of an ISO 8601 date or date-time (`2026-05-01`, `2026-05-01T10:00:00+03:00`).
fn date_part(value: &str) -> Option<Date> {
    let date = value.get(..10)?;
    let rest = &value[10..];
    if !(rest.is_empty() || rest.starts_with('T') || rest.starts_with(' ')) {
        return None;
    }
    date.parse().ok()
}

/// Checks the answers to `service`'s questions (`code → values`) against its definition.
/// `today` is the municipal date of receipt. Every problem is reported, each with its code.
pub fn check_answers(
    service: &Service,
    given: &BTreeMap<String, Vec<String>>,
    today: Date,
) -> Result<Answers, Vec<(String, AttributeProblem)>> {
    let mut problems = Vec::new();
    let mut answers = Answers::default();
    for code in given.keys() {
        if service.attribute(code).is_none() {
            problems.push((code.clone(), AttributeProblem::UnknownAttribute));
        }
    }
    for attribute in service.attributes {
        let values: Vec<String> = given
            .get(attribute.code)
            .map(|v| {
                v.iter()
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        if values.is_empty() {
            if attribute.required {
                problems.push((attribute.code.to_owned(), AttributeProblem::Missing));
            }
            continue;
        }
        let code = attribute.code.to_owned();
        if attribute.datatype != Datatype::MultiValueList && values.len() > 1 {
            problems.push((code, AttributeProblem::SeveralValues));
            continue;
        }
        let keys = || attribute.values.iter().map(|(k, _)| *k).collect::<Vec<_>>();
        let problem = match attribute.datatype {
            Datatype::SingleValueList | Datatype::MultiValueList => values
                .iter()
                .any(|v| !attribute.values.iter().any(|(k, _)| k == v))
                .then(|| AttributeProblem::UnknownValue { allowed: keys() }),
            Datatype::Number => values
                .iter()
                .any(|v| !v.parse::<u32>().is_ok_and(|n| (1..=1000).contains(&n)))
                .then_some(AttributeProblem::NotANumber),
            Datatype::Datetime => match date_part(&values[0]) {
                None => Some(AttributeProblem::NotADate),
                Some(d) if d > today => Some(AttributeProblem::FutureDate),
                Some(_) => None,
            },
            Datatype::String | Datatype::Text => values
                .iter()
                .any(|v| v.chars().count() > MAX_ATTRIBUTE_CHARS)
                .then_some(AttributeProblem::TooLong {
                    max_chars: MAX_ATTRIBUTE_CHARS,
                }),
        };
        if let Some(problem) = problem {
            problems.push((code, problem));
            continue;
        }
        let yes = values[0] == "yes";
        match attribute.meaning {
            Meaning::Informative => {}
            Meaning::HealthOrSafetyThreat => answers.health_or_safety_threat = Some(yes),
            Meaning::BadAdministration => answers.about_bad_administration = Some(yes),
            Meaning::ViolationDate => answers.violation_date = date_part(&values[0]),
        }
        answers.values.insert(code, values);
    }
    if problems.is_empty() {
        Ok(answers)
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jiff::civil::date;

    fn given(pairs: &[(&str, &[&str])]) -> BTreeMap<String, Vec<String>> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.iter().map(|s| s.to_string()).collect()))
            .collect()
    }

    #[test]
    fn codes_are_unique_and_attributes_are_sane() {
        for (i, s) in SERVICES.iter().enumerate() {
            assert!(
                SERVICES[i + 1..].iter().all(|o| o.code != s.code),
                "{}",
                s.code
            );
            assert!(
                s.code.chars().all(|c| c.is_ascii_lowercase() || c == '_'),
                "{}",
                s.code
            );
            for a in s.attributes {
                let list = matches!(
                    a.datatype,
                    Datatype::SingleValueList | Datatype::MultiValueList
                );
                assert_eq!(list, !a.values.is_empty(), "{}/{}", s.code, a.code);
            }
        }
        assert!(service("street_lighting").is_some_and(|s| s.public && s.metadata()));
        assert!(SERVICES.iter().all(|s| s.kind != Kind::CorruptionSignal));
    }

    #[test]
    fn answers_are_checked_all_at_once() {
        let lighting = service("street_lighting").unwrap();
        let today = date(2026, 5, 4);
        let errors = check_answers(
            lighting,
            &given(&[("lamps", &["many"]), ("colour", &["red"])]),
            today,
        )
        .unwrap_err();
        let codes: Vec<&str> = errors.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(codes, ["colour", "problem", "lamps"]);
        let ok = check_answers(
            lighting,
            &given(&[("problem", &["not_lit"]), ("danger", &["yes"])]),
            today,
        )
        .unwrap();
        assert_eq!(ok.health_or_safety_threat, Some(true));
        assert_eq!(
            ok.summary(lighting),
            [
                "Какъв е проблемът? Не свети",
                "Застрашава ли проблемът здравето или безопасността на хората? Да"
            ]
        );
    }

    #[test]
    fn dates_and_lists() {
        let dumping = service("illegal_dumping").unwrap();
        let today = date(2026, 5, 4);
        let ok = check_answers(
            dumping,
            &given(&[
                ("waste", &["construction", "furniture"]),
                ("occurred_on", &["2026-05-01T22:00:00+03:00"]),
            ]),
            today,
        )
        .unwrap();
        assert_eq!(ok.violation_date, Some(date(2026, 5, 1)));
        let errors = check_answers(
            dumping,
            &given(&[("waste", &["gold"]), ("occurred_on", &["2026-05-05"])]),
            today,
        )
        .unwrap_err();
        assert_eq!(errors.len(), 2);
        assert!(matches!(errors[1].1, AttributeProblem::FutureDate));
        assert!(check_answers(dumping, &given(&[("occurred_on", &["May 1"])]), today).is_err());
    }

    #[test]
    fn points_stay_on_the_globe() {
        assert!(GeoPoint::new(41.934, 25.555).is_some());
        assert!(GeoPoint::new(91.0, 0.0).is_none());
        assert!(GeoPoint::new(0.0, -180.5).is_none());
        assert!(GeoPoint::new(f64::NAN, 0.0).is_none());
    }
}
