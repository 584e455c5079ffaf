//! Reading JSON bodies strictly but helpfully: every wrong field is named, all at once.

use crate::error::ApiError;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, StatusCode, header};
use priemna_domain::submission::{FieldError, Problem, RawSubmission, RawSubmitter};
use serde_json::{Map, Value};

/// Checks the content type and size, then parses the body as a JSON object.
pub fn parse_object(
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<Map<String, Value>, ApiError> {
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    let mut parts = content_type.split(';').map(str::trim);
    let mime = parts.next().unwrap_or("");
    let json_mime = mime == "application/json" || mime.ends_with("+json");
    let charset_ok = parts
        .filter_map(|p| p.strip_prefix("charset="))
        .all(|c| c.trim_matches('"') == "utf-8");
    if !json_mime || !charset_ok {
        return Err(ApiError::UnsupportedMediaType);
    }
    let bytes = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge
        } else {
            ApiError::MalformedBody(rejection.body_text())
        }
    })?;
    let text = std::str::from_utf8(&bytes).map_err(|e| {
        ApiError::MalformedBody(format!(
            "invalid UTF-8 at byte {} / невалиден UTF-8 на байт {}",
            e.valid_up_to(),
            e.valid_up_to()
        ))
    })?;
    match serde_json::from_str::<Value>(text) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(ApiError::MalformedBody(
            "expected a JSON object / очаква се JSON обект".into(),
        )),
        Err(e) => Err(ApiError::MalformedBody(format!(
            "line {}, column {}: {}",
            e.line(),
            e.column(),
            e.classify_name()
        ))),
    }
}

trait ClassifyName {
    fn classify_name(&self) -> &'static str;
}

impl ClassifyName for serde_json::Error {
    fn classify_name(&self) -> &'static str {
        match self.classify() {
            serde_json::error::Category::Io => "read error",
            serde_json::error::Category::Syntax => "syntax error",
            serde_json::error::Category::Data => "unexpected data",
            serde_json::error::Category::Eof => "unexpected end of input",
        }
    }
}

/// Collects typed values from a JSON object, remembering each field of the wrong type.
pub struct Fields<'a> {
    map: &'a Map<String, Value>,
    prefix: &'a str,
    pub errors: Vec<FieldError>,
}

impl<'a> Fields<'a> {
    pub fn new(map: &'a Map<String, Value>, prefix: &'a str) -> Self {
        Fields {
            map,
            prefix,
            errors: Vec::new(),
        }
    }

    fn path(&self, key: &str) -> String {
        if self.prefix.is_empty() {
            key.to_owned()
        } else {
            format!("{}.{key}", self.prefix)
        }
    }

    fn wrong(&mut self, key: &str, expected: &'static str) {
        let path = self.path(key);
        self.errors
            .push(FieldError::new(path, Problem::WrongType { expected }));
    }

    pub fn string(&mut self, key: &str) -> Option<String> {
        match self.map.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(_) => {
                self.wrong(key, "string");
                None
            }
        }
    }

    pub fn boolean(&mut self, key: &str) -> Option<bool> {
        match self.map.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(_) => {
                self.wrong(key, "boolean");
                None
            }
        }
    }

    pub fn object(&mut self, key: &str) -> Option<&'a Map<String, Value>> {
        match self.map.get(key) {
            None | Some(Value::Null) => None,
            Some(Value::Object(o)) => Some(o),
            Some(_) => {
                self.wrong(key, "object");
                None
            }
        }
    }

    /// Keys present in the object that are not in `known` (reported back as warnings).
    pub fn unknown(&self, known: &[&str]) -> Vec<String> {
        self.map
            .keys()
            .filter(|k| !known.contains(&k.as_str()))
            .map(|k| self.path(k))
            .collect()
    }
}

const SUBMISSION_FIELDS: &[&str] = &[
    "kind",
    "channel",
    "subject",
    "body",
    "submitter",
    "anonymous",
    "health_or_safety_threat",
    "about_bad_administration",
    "about_employee",
    "in_writing",
    "violation_date",
    "address",
    "consent",
];
const SUBMITTER_FIELDS: &[&str] = &["name", "address", "phone", "email", "egn"];

/// A submission read from JSON: the raw fields, the type errors, and unknown keys.
pub struct ParsedSubmission {
    pub raw: RawSubmission,
    pub type_errors: Vec<FieldError>,
    pub unknown_fields: Vec<String>,
}

pub fn raw_submission(map: &Map<String, Value>) -> ParsedSubmission {
    let mut fields = Fields::new(map, "");
    let submitter_map = fields.object("submitter");
    let mut raw = RawSubmission {
        kind: fields.string("kind"),
        channel: fields.string("channel"),
        subject: fields.string("subject"),
        body: fields.string("body"),
        submitter: None,
        anonymous: fields.boolean("anonymous"),
        health_or_safety_threat: fields.boolean("health_or_safety_threat"),
        about_bad_administration: fields.boolean("about_bad_administration"),
        about_employee: fields.boolean("about_employee"),
        in_writing: fields.boolean("in_writing"),
        violation_date: fields.string("violation_date"),
        address: fields.string("address"),
        consent: fields.boolean("consent"),
    };
    let mut unknown_fields = fields.unknown(SUBMISSION_FIELDS);
    let mut type_errors = fields.errors;
    if let Some(submitter_map) = submitter_map {
        let mut sub = Fields::new(submitter_map, "submitter");
        raw.submitter = Some(RawSubmitter {
            name: sub.string("name"),
            address: sub.string("address"),
            phone: sub.string("phone"),
            email: sub.string("email"),
            egn: sub.string("egn"),
        });
        unknown_fields.extend(sub.unknown(SUBMITTER_FIELDS));
        type_errors.extend(sub.errors);
    }
    ParsedSubmission {
        raw,
        type_errors,
        unknown_fields,
    }
}

/// Merges type errors with the domain's validation errors, without reporting a field twice.
pub fn merge_errors(mut type_errors: Vec<FieldError>, more: Vec<FieldError>) -> Vec<FieldError> {
    for error in more {
        let already = type_errors
            .iter()
            .any(|e| e.field == error.field || error.field.starts_with(&format!("{}.", e.field)));
        if !already {
            type_errors.push(error);
        }
    }
    type_errors
}

/// Reads a JSON body into `T`, naming the field that is missing or of the wrong type.
pub fn typed_body<T: serde::de::DeserializeOwned>(
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<T, ApiError> {
    let object = parse_object(headers, body)?;
    serde_path_to_error::deserialize::<_, T>(Value::Object(object)).map_err(|e| {
        let message = e.inner().to_string();
        let path = e.path().to_string();
        // serde reports a missing field at the parent's path, naming the field in the message.
        let missing = message
            .strip_prefix("missing field `")
            .and_then(|rest| rest.split('`').next());
        let error = match missing {
            Some(field) => {
                let full = if path == "." {
                    field.to_owned()
                } else {
                    format!("{path}.{field}")
                };
                FieldError::new(full, Problem::Missing)
            }
            None => FieldError::new(
                path,
                Problem::Invalid {
                    detail: message.split(" at line").next().unwrap_or("").to_owned(),
                },
            ),
        };
        ApiError::Validation(vec![error])
    })
}
