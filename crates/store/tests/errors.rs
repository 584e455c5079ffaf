//! What the store says when a write cannot be done: a missing referenced record, a clash with a
//! unique value and a record that is not there are told apart, and the field is named — so the
//! HTTP layer answers 422/409/404, never "the register is unavailable". Runs on SQLite, and on
//! PostgreSQL with `PRIEMNA_TEST_BACKEND=postgres`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use jiff::Timestamp;
use priemna_domain::access::Role;
use priemna_domain::{DepartmentId, UserId};
use priemna_store::{NewUser, StoreError};

fn officer(username: &str, department_id: Option<DepartmentId>) -> NewUser {
    NewUser {
        username: username.into(),
        display_name: "Петя Колева".into(),
        role: Role::CaseOfficer,
        department_id,
        corruption_officer: false,
        active: true,
        password_hash: "$argon2id$not-checked-here".into(),
        email: None,
    }
}

fn field_of(error: StoreError) -> String {
    match error {
        StoreError::MissingReference { field } => field,
        other => panic!("expected a missing reference, got {other:?}"),
    }
}

#[tokio::test]
async fn each_class_of_bad_reference_is_its_own_error_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let url = priemna_store::testing::fresh_database_url(dir.path())
        .await
        .unwrap();
    let store = priemna_store::connect(&url).await.unwrap();
    let at: Timestamp = "2026-03-02T08:00:00Z".parse().unwrap();

    // A user in a department that does not exist; nothing is written.
    let error = store
        .create_user(
            officer("eco1", Some(DepartmentId(999_999))),
            at,
            "test",
            &[],
        )
        .await
        .unwrap_err();
    assert_eq!(field_of(error), "department_id");
    assert!(store.user_by_username("eco1").await.unwrap().is_none());

    // Moved to a department that does not exist.
    let department = store
        .create_department("Екология", at, "test")
        .await
        .unwrap();
    let mut user = store
        .create_user(officer("eco1", Some(department.id)), at, "test", &[])
        .await
        .unwrap();
    user.department_id = Some(DepartmentId(999_999));
    let error = store.update_user(&user, at, "test", &[]).await.unwrap_err();
    assert_eq!(field_of(error), "department_id");
    let kept = store.user_by_id(user.id).await.unwrap().unwrap();
    assert_eq!(kept.department_id, Some(department.id));

    // A head who is nobody.
    let error = store
        .set_department_head(department.id, Some(UserId(999_999)), at, "test")
        .await
        .unwrap_err();
    assert_eq!(field_of(error), "head_user_id");

    // A department that is not there is "not found", not a bad reference.
    let error = store
        .set_department_head(DepartmentId(999_999), Some(user.id), at, "test")
        .await
        .unwrap_err();
    assert!(matches!(error, StoreError::NotFound(_)), "{error:?}");

    // Unique values: a name taken.
    let error = store
        .create_department("Екология", at, "test")
        .await
        .unwrap_err();
    assert!(matches!(error, StoreError::Duplicate(_)), "{error:?}");
    let error = store
        .create_user(officer("eco1", None), at, "test", &[])
        .await
        .unwrap_err();
    assert!(matches!(error, StoreError::Duplicate(_)), "{error:?}");
}
