//! The life of a case: the statuses a submission passes through.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Received and numbered; the charter's decisions are proposed, not yet confirmed.
    Registered,
    /// A clerk confirmed or overrode the charter's decisions.
    Triaged,
    /// Given to a department and an officer.
    Assigned,
    InProgress,
    /// An inspection is needed; the deadline was extended and the citizen told why.
    Inspection,
    /// Answered in writing.
    Answered,
    Closed,
    /// Left unanswered under a charter rule (anonymous, obscene, personal data / classified).
    NotConsidered,
    /// Sent on to the competent body.
    Forwarded,
    /// Merged into another case about the same problem.
    Duplicate,
}

impl Status {
    pub const ALL: [Status; 10] = [
        Status::Registered,
        Status::Triaged,
        Status::Assigned,
        Status::InProgress,
        Status::Inspection,
        Status::Answered,
        Status::Closed,
        Status::NotConsidered,
        Status::Forwarded,
        Status::Duplicate,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Status::Registered => "registered",
            Status::Triaged => "triaged",
            Status::Assigned => "assigned",
            Status::InProgress => "in_progress",
            Status::Inspection => "inspection",
            Status::Answered => "answered",
            Status::Closed => "closed",
            Status::NotConsidered => "not_considered",
            Status::Forwarded => "forwarded",
            Status::Duplicate => "duplicate",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|st| st.as_str() == s)
    }

    pub fn label_bg(self) -> &'static str {
        match self {
            Status::Registered => "регистрирано",
            Status::Triaged => "разпределено за разглеждане",
            Status::Assigned => "възложено",
            Status::InProgress => "в процес на разглеждане",
            Status::Inspection => "извършва се проверка",
            Status::Answered => "отговорено",
            Status::Closed => "приключено",
            Status::NotConsidered => "оставено без разглеждане",
            Status::Forwarded => "препратено по компетентност",
            Status::Duplicate => "обединено с друга преписка",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Status::Registered => "registered",
            Status::Triaged => "triaged",
            Status::Assigned => "assigned",
            Status::InProgress => "in progress",
            Status::Inspection => "under inspection",
            Status::Answered => "answered",
            Status::Closed => "closed",
            Status::NotConsidered => "not considered",
            Status::Forwarded => "forwarded to the competent body",
            Status::Duplicate => "merged as a duplicate",
        }
    }

    /// Whether the case still waits for the municipality.
    pub fn is_open(self) -> bool {
        !matches!(
            self,
            Status::Answered
                | Status::Closed
                | Status::NotConsidered
                | Status::Forwarded
                | Status::Duplicate
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_round_trip() {
        for s in Status::ALL {
            assert_eq!(Status::parse(s.as_str()), Some(s));
        }
    }

    #[test]
    fn finished_statuses_are_not_open() {
        assert!(Status::Registered.is_open());
        assert!(Status::Inspection.is_open());
        assert!(!Status::Answered.is_open());
        assert!(!Status::NotConsidered.is_open());
    }
}
