//! The ids of the register's rows that travel between the layers: a case's, a member of staff's,
//! a department's. Each is a type of its own, so that a user id given where a case id is meant
//! does not compile. They are numbers in JSON, forms and paths, as the bare ids were.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

macro_rules! id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
        )]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl From<i64> for $name {
            fn from(id: i64) -> Self {
                $name(id)
            }
        }

        impl From<$name> for i64 {
            fn from(id: $name) -> i64 {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl FromStr for $name {
            type Err = std::num::ParseIntError;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                s.parse().map($name)
            }
        }
    };
}

id!(
    /// A case's id: the row of `submissions` (not its registration number).
    CaseId
);
id!(
    /// A member of staff's id (`users`).
    UserId
);
id!(
    /// A department's id (`departments`).
    DepartmentId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_numbers_in_json_and_text() {
        assert_eq!(serde_json::to_string(&CaseId(7)).ok().as_deref(), Some("7"));
        assert_eq!(serde_json::from_str::<UserId>("12").ok(), Some(UserId(12)));
        assert_eq!(
            serde_json::to_string(&Some(DepartmentId(3)))
                .ok()
                .as_deref(),
            Some("3")
        );
        assert_eq!("42".parse::<CaseId>().ok(), Some(CaseId(42)));
        assert!("x".parse::<CaseId>().is_err());
        assert_eq!(DepartmentId(5).to_string(), "5");
    }
}
