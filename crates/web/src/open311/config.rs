//! The Open311 endpoint's settings, from the command line.

/// The Open311 endpoint's settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Open311Config {
    /// The jurisdiction this endpoint serves (by convention its domain name). Requests naming
    /// another one get 404.
    pub jurisdiction_id: String,
    /// Who to ask about the API (the discovery document's `contact`).
    pub contact: String,
    /// How to get an API key (the discovery document's `key_service`).
    pub key_service: String,
    /// Who handles the requests (`agency_responsible` until a department is assigned).
    pub agency: String,
}

impl Default for Open311Config {
    fn default() -> Self {
        Open311Config {
            jurisdiction_id: "haskovo.bg".into(),
            contact: "Община Хасково, деловодство: пл. „Общински“ 9, 6300 Хасково".into(),
            key_service: "Ключ за публикуване на сигнали се издава от администратор на Приемна \
                          (POST /api/v1/api-keys или priemna api-key add)."
                .into(),
            agency: "Община Хасково".into(),
        }
    }
}
