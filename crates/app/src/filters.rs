//! The filters people set on lists of cases (the inbox, search), read from what they typed:
//! every bad value named, and the reader's case scope (`access::case_scope`) always applied.

use crate::staff::Staff;
use priemna_domain::access::{self, Denied};
use priemna_domain::submission::{FieldError, Problem};
use priemna_domain::{Channel, DepartmentId, Kind, Status};
use priemna_store::InboxFilter;
use std::collections::HashMap;

/// Why a list cannot be shown as asked.
#[derive(Debug)]
pub enum FilterError {
    /// The reader's role sees no cases at all.
    Denied(Denied),
    /// Filters with values that mean nothing, each named.
    Fields(Vec<FieldError>),
}

/// A kind of submission by its code; an unknown code is named with the codes there are.
pub fn kind(value: &str, errors: &mut Vec<FieldError>) -> Option<Kind> {
    let kind = Kind::parse(value);
    if kind.is_none() {
        errors.push(FieldError::new(
            "kind",
            Problem::UnknownValue {
                allowed: Kind::ALL.iter().map(|k| k.as_str()).collect(),
            },
        ));
    }
    kind
}

/// A channel by its code; an unknown code is named with the codes there are.
pub fn channel(value: &str, errors: &mut Vec<FieldError>) -> Option<Channel> {
    let channel = Channel::parse(value);
    if channel.is_none() {
        errors.push(FieldError::new(
            "channel",
            Problem::UnknownValue {
                allowed: Channel::ALL.iter().map(|c| c.as_str()).collect(),
            },
        ));
    }
    channel
}

/// The inbox this member of staff may see, with the caller's filters applied.
pub fn inbox(staff: &Staff, query: &HashMap<String, String>) -> Result<InboxFilter, FilterError> {
    let scope = access::case_scope(&staff.user.actor()).map_err(FilterError::Denied)?;
    let mut filter = InboxFilter {
        limit: 200,
        open_only: true,
        ..InboxFilter::within(&scope)
    };
    let get = |k: &str| query.get(k).map(|s| s.trim()).filter(|s| !s.is_empty());
    let mut errors = Vec::new();
    filter.kind = get("kind").and_then(|k| kind(k, &mut errors));
    filter.channel = get("channel").and_then(|c| channel(c, &mut errors));
    if let Some(s) = get("status") {
        if s == "all" {
            filter.open_only = false;
        } else if s == "open" {
            filter.open_only = true;
        } else {
            match Status::parse(s) {
                Some(s) => {
                    filter.status = Some(s);
                    filter.open_only = false;
                }
                None => errors.push(FieldError::new(
                    "status",
                    Problem::UnknownValue {
                        allowed: ["all", "open"]
                            .into_iter()
                            .chain(Status::ALL.iter().map(|s| s.as_str()))
                            .collect(),
                    },
                )),
            }
        }
    }
    if let Some(d) = get("department_id") {
        match d.parse::<DepartmentId>() {
            Ok(d) if filter.department_id.is_none() || filter.department_id == Some(d) => {
                filter.department_id = Some(d)
            }
            // Heads stay within their department: another department's inbox is refused by the
            // access rules, not a wrong parameter.
            Ok(_) => {
                return Err(FilterError::Denied(Denied {
                    reason_bg: "Виждате само преписките на своя отдел.".into(),
                    reason_en: "You see only the cases of your own department.".into(),
                }));
            }
            Err(_) => errors.push(FieldError::new(
                "department_id",
                Problem::WrongType { expected: "number" },
            )),
        }
    }
    if get("overdue").is_some_and(|v| v == "true" || v == "1" || v == "on") {
        filter.overdue_only = true;
    }
    if let Some(p) = get("page") {
        match p.parse::<u32>() {
            Ok(p) if p >= 1 => filter.offset = (p - 1).saturating_mul(filter.limit),
            _ => errors.push(FieldError::new(
                "page",
                Problem::WrongType { expected: "number" },
            )),
        }
    }
    if errors.is_empty() {
        Ok(filter)
    } else {
        Err(FilterError::Fields(errors))
    }
}
