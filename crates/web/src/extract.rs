//! The path parameters of every route, read so that a wrong one is the client's mistake named
//! by its parameter (`id: неправилен тип на стойността (очаква се цяло число)`), not axum's
//! plain-text rejection.

use crate::error::ApiError;
use axum::extract::path::ErrorKind;
use axum::extract::rejection::PathRejection;
use axum::extract::{FromRequestParts, RawPathParams};
use axum::http::request::Parts;
use priemna_domain::submission::{FieldError, Problem};
use serde::de::DeserializeOwned;

/// `axum::extract::Path`, with its rejection as an [`ApiError`] naming the parameter.
#[derive(Debug)]
pub struct Path<T>(pub T);

impl<T, S> FromRequestParts<S> for Path<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Path(value)),
            Err(rejection) => {
                let params: Vec<(String, String)> =
                    match RawPathParams::from_request_parts(parts, state).await {
                        Ok(raw) => raw
                            .iter()
                            .map(|(k, v)| (k.to_owned(), v.to_owned()))
                            .collect(),
                        Err(_) => Vec::new(),
                    };
                Err(rejected(rejection, &params))
            }
        }
    }
}

/// The parameter a value came from: the one whose value it is, else the only one there is.
fn key_of(value: &str, params: &[(String, String)]) -> String {
    params
        .iter()
        .find(|(_, v)| v == value)
        .or(match params {
            [only] => Some(only),
            _ => None,
        })
        .map(|(k, _)| k.clone())
        .unwrap_or_else(|| "path".to_owned())
}

fn rejected(rejection: PathRejection, params: &[(String, String)]) -> ApiError {
    let PathRejection::FailedToDeserializePathParams(failed) = rejection else {
        // A route without the parameters its handler reads: our mistake, not the client's.
        return ApiError::Internal(rejection.body_text());
    };
    let wrong = |field: String, expected: &'static str| {
        ApiError::BadRequest(vec![FieldError::new(
            field,
            Problem::WrongType {
                expected: type_name(expected),
            },
        )])
    };
    match failed.into_kind() {
        ErrorKind::ParseErrorAtKey {
            key, expected_type, ..
        } => wrong(key, expected_type),
        ErrorKind::ParseErrorAtIndex {
            index,
            expected_type,
            ..
        } => wrong(
            params
                .get(index)
                .map(|(k, _)| k.clone())
                .unwrap_or_else(|| "path".to_owned()),
            expected_type,
        ),
        ErrorKind::ParseError {
            value,
            expected_type,
        } => wrong(key_of(&value, params), expected_type),
        ErrorKind::InvalidUtf8InPathParam { key } => ApiError::BadRequest(vec![FieldError::new(
            key,
            Problem::Invalid {
                detail: "not UTF-8".to_owned(),
            },
        )]),
        ErrorKind::DeserializeError { key, message, .. } => {
            ApiError::BadRequest(vec![FieldError::new(
                key,
                Problem::Invalid { detail: message },
            )])
        }
        other => ApiError::Internal(other.to_string()),
    }
}

/// The JSON name of the type a parameter has (what the error messages translate).
fn type_name(rust: &'static str) -> &'static str {
    match rust {
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize" | "isize" => {
            "integer"
        }
        "f32" | "f64" => "number",
        "bool" => "boolean",
        _ => "string",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_named_by_its_parameter() {
        let params = vec![
            ("number".to_owned(), "2026-000001".to_owned()),
            ("id".to_owned(), "abc".to_owned()),
        ];
        assert_eq!(key_of("abc", &params), "id");
        assert_eq!(key_of("x", &params[1..]), "id");
        assert_eq!(key_of("x", &params), "path");
        assert_eq!(type_name("i64"), "integer");
    }
}
