// The `Store` trait and its capabilities on this backend: each method delegates to the module that owns it.

use super::intake::IntakeJob;
use super::{ThisStore, begin_write, cases, jobs, journal, online_backup, outbox, staff};
use crate::model::{
    CaseChange, CaseRecord, CaseSummary, CitizenView, DeadlineCase,
    DeadlineRunReport, Department, InboxFilter, JournalCursor, JournalEntry, JournalFilter,
    JournalVerdict, NewDocument,
    NewSubmission, NewUser, OutboxEntry, OutboxFilter, OutgoingMessage, PersonalData,
    Registered, Session, StaffReminder, StoredDocument, UrgencyUpdate, User,
};
use crate::model::{
    LockoutPolicy, MailOnRefusal, MissedSignIns, NewMessage, SignInAttempt, SignInFailure, SignInStanding, StaffChange,
    StaffChangeRequest, StaffDecision,
};
use crate::model::OutboxState;
use crate::tracking::hash_tracking_code;
use crate::{
    CaseStore, DocumentStore, IndexStore, IntakeStore, JobStore, JournalStore, Open311Store,
    OutboxStore, Result, SessionStore, SignInStore, StaffStore, Store, StoreError,
};
use async_trait::async_trait;
use jiff::Timestamp;
use priemna_domain::{CaseId, DepartmentId, RegistrationNumber, UserId};
use tokio::sync::oneshot;

#[async_trait]
impl IntakeStore for ThisStore {
    #[tracing::instrument(skip_all, fields(kind = submission.draft.kind.as_str()))]
    async fn register(&self, submission: NewSubmission) -> Result<Registered> {
        let (reply, answer) = oneshot::channel();
        let prepared = super::intake::Prepared::of(&submission)?;
        self.intake
            .send(IntakeJob {
                submission,
                prepared,
                reply,
            })
            .await
            .map_err(|_| StoreError::Unavailable("the intake writer has stopped".into()))?;
        answer
            .await
            .map_err(|_| StoreError::Unavailable("the intake writer has stopped".into()))?
    }

    #[tracing::instrument(skip_all, fields(number = %number))]
    async fn find_for_citizen(
        &self,
        number: RegistrationNumber,
        tracking_code: &str,
    ) -> Result<Option<CitizenView>> {
        let Some((row, events)) = super::citizen_case(
            self,
            &number.to_string(),
            &hash_tracking_code(tracking_code),
        )
        .await?
        else {
            return Ok(None);
        };
        let mut view = CitizenView::try_from(row)?;
        view.history = events
            .into_iter()
            .map(crate::model::CaseEvent::try_from)
            .collect::<Result<_>>()?;
        Ok(Some(view))
    }

    async fn count_submissions(&self) -> Result<u64> {
        let count: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM submissions")
            .fetch_one(&self.read)
            .await?;
        Ok(u64::try_from(count).unwrap_or(0))
    }
}

#[async_trait]
impl StaffStore for ThisStore {
    async fn create_department(
        &self,
        name: &str,
        at: Timestamp,
        actor: &str,
    ) -> Result<Department> {
        staff::create_department(&self.write, name, at, actor).await
    }

    async fn set_department_head(
        &self,
        department_id: DepartmentId,
        head_user_id: Option<UserId>,
        at: Timestamp,
        actor: &str,
    ) -> Result<()> {
        staff::set_department_head(&self.write, department_id, head_user_id, at, actor).await
    }

    async fn departments(&self) -> Result<Vec<Department>> {
        staff::departments(&self.read).await
    }

    async fn create_user(
        &self,
        user: NewUser,
        at: Timestamp,
        actor: &str,
        messages: &[NewMessage],
    ) -> Result<User> {
        staff::create_user(&self.write, user, at, actor, messages).await
    }

    async fn update_user(
        &self,
        user: &User,
        at: Timestamp,
        actor: &str,
        messages: &[NewMessage],
    ) -> Result<()> {
        staff::update_user(&self.write, user, at, actor, messages).await
    }

    async fn user_by_username(&self, username: &str) -> Result<Option<User>> {
        staff::user_by_username(&self.read, username).await
    }

    async fn user_by_id(&self, id: UserId) -> Result<Option<User>> {
        staff::user_by_id(&self.read, id).await
    }

    async fn users(&self) -> Result<Vec<User>> {
        staff::users(&self.read).await
    }

    async fn request_staff_change(
        &self,
        request: StaffChangeRequest,
        requested_by: UserId,
        at: Timestamp,
        actor: &str,
    ) -> Result<StaffChange> {
        staff::request_change(&self.write, request, requested_by, at, actor).await
    }

    async fn staff_changes(&self, pending_only: bool) -> Result<Vec<StaffChange>> {
        staff::changes(&self.read, pending_only, None).await
    }

    async fn staff_change(&self, id: i64) -> Result<Option<StaffChange>> {
        Ok(staff::changes(&self.read, false, Some(id)).await?.pop())
    }

    async fn decide_staff_change(
        &self,
        id: i64,
        decided_by: Option<UserId>,
        decision: StaffDecision,
        at: Timestamp,
        actor: &str,
    ) -> Result<StaffChange> {
        staff::decide_change(&self.write, id, decided_by, decision, at, actor).await
    }
}

#[async_trait]
impl SignInStore for ThisStore {
    async fn set_password(
        &self,
        user_id: UserId,
        password_hash: &str,
        must_change: bool,
        keep_session: Option<&str>,
        at: Timestamp,
        actor: &str,
    ) -> Result<()> {
        staff::set_password(
            &self.write,
            user_id,
            password_hash,
            must_change,
            keep_session,
            at,
            actor,
        )
        .await
    }

    async fn sign_in_standing(
        &self,
        account: &str,
        client: &str,
        since: Timestamp,
    ) -> Result<SignInStanding> {
        super::sign_in::standing(&self.read, account, client, since).await
    }

    async fn record_login_success(
        &self,
        user_id: UserId,
        client: &str,
        at: Timestamp,
    ) -> Result<Option<MissedSignIns>> {
        super::sign_in::record_success(&self.write, user_id, client, at).await
    }

    async fn record_login_failure(
        &self,
        attempt: SignInAttempt<'_>,
        policy: LockoutPolicy,
        at: Timestamp,
        mail: &MailOnRefusal<'_>,
    ) -> Result<SignInFailure> {
        super::sign_in::record_failure(&self.write, attempt, policy, at, mail).await
    }

    async fn record_login_refused(&self, attempt: SignInAttempt<'_>, at: Timestamp) -> Result<()> {
        super::sign_in::record_refused(&self.write, attempt, at).await
    }

    async fn sign_in_key(&self) -> Result<String> {
        super::sign_in::key(&self.read).await
    }

    async fn unlock_user(&self, user_id: UserId, at: Timestamp, actor: &str) -> Result<()> {
        super::sign_in::unlock(&self.write, user_id, at, actor).await
    }
}

#[async_trait]
impl SessionStore for ThisStore {
    async fn set_session_notice(&self, token_hash: &str, notice: &str) -> Result<()> {
        super::sign_in::set_session_notice(&self.write, token_hash, notice).await
    }

    async fn session_notice(&self, token_hash: &str) -> Result<Option<String>> {
        super::sign_in::session_notice(&self.read, token_hash).await
    }

    async fn create_session(
        &self,
        token_hash: &str,
        user_id: UserId,
        csrf_token: &str,
        at: Timestamp,
        expires_at: Timestamp,
    ) -> Result<()> {
        staff::create_session(&self.write, token_hash, user_id, csrf_token, at, expires_at).await
    }

    async fn session(&self, token_hash: &str, now: Timestamp) -> Result<Option<Session>> {
        match super::session_row(self, token_hash).await? {
            Some(row) => staff::live_session(row, now),
            None => Ok(None),
        }
    }

    async fn delete_session(&self, token_hash: &str) -> Result<()> {
        staff::delete_session(&self.write, token_hash).await
    }

    async fn delete_sessions_of(&self, user_id: UserId) -> Result<()> {
        staff::delete_sessions_of(&self.write, user_id).await
    }
}

#[async_trait]
impl CaseStore for ThisStore {
    async fn case_by_number(&self, number: RegistrationNumber) -> Result<Option<CaseRecord>> {
        cases::by_number(&self.read, number).await
    }

    async fn personal_data(
        &self,
        case: &CaseRecord,
        reader: &str,
        at: Timestamp,
    ) -> Result<Option<PersonalData>> {
        cases::personal_data(&self.write, case, reader, at).await
    }

    async fn inbox(&self, filter: &InboxFilter) -> Result<Vec<CaseSummary>> {
        cases::inbox(&self.read, filter).await
    }

    async fn apply_change(&self, case_id: CaseId, change: CaseChange) -> Result<()> {
        cases::apply_change(&self.write, case_id, change).await
    }
}

#[async_trait]
impl JournalStore for ThisStore {
    async fn journal(&self, after_id: i64, limit: u32) -> Result<Vec<JournalEntry>> {
        journal::list(&self.read, after_id, limit).await
    }

    async fn journal_page(
        &self,
        filter: &JournalFilter,
        cursor: JournalCursor,
        limit: u32,
    ) -> Result<Vec<JournalEntry>> {
        journal::page(&self.read, filter, cursor, limit).await
    }

    async fn journal_count(&self, filter: &JournalFilter) -> Result<(u64, i64)> {
        journal::count(&self.read, filter).await
    }

    async fn append_journal_once(
        &self,
        at: Timestamp,
        since: Timestamp,
        actor: &str,
        action: &str,
        submission_id: Option<CaseId>,
        details: serde_json::Value,
    ) -> Result<bool> {
        journal::append_once(
            &self.read,
            &self.write,
            at,
            since,
            actor,
            action,
            submission_id,
            &details,
        )
            .await
    }

    async fn verify_journal(&self) -> Result<JournalVerdict> {
        journal::verify(&self.read).await
    }

    async fn append_journal(
        &self,
        at: Timestamp,
        actor: &str,
        action: &str,
        submission_id: Option<CaseId>,
        details: serde_json::Value,
    ) -> Result<()> {
        let details = journal::details_json(&details)?;
        let mut tx = begin_write(&self.write).await?;
        journal::append(
            &mut tx,
            &at.to_string(),
            actor,
            action,
            submission_id,
            &details,
            None,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }
}

#[async_trait]
impl JobStore for ThisStore {
    async fn open_cases_for_deadlines(&self) -> Result<Vec<DeadlineCase>> {
        jobs::open_cases(&self.read).await
    }

    async fn record_deadline_run(
        &self,
        run_key: &str,
        at: Timestamp,
        updates: Vec<UrgencyUpdate>,
    ) -> Result<DeadlineRunReport> {
        jobs::record_run(&self.write, run_key, at, updates).await
    }

    async fn job_runs(&self, job: crate::model::Job) -> Result<Vec<String>> {
        jobs::runs(&self.read, job).await
    }

    async fn reminders_for(&self, user_id: UserId) -> Result<Vec<StaffReminder>> {
        jobs::reminders_for(&self.read, user_id).await
    }

    async fn anonymise_expired(
        &self,
        cutoffs: &[(priemna_domain::Kind, jiff::civil::Date)],
        run_key: &str,
        at: Timestamp,
    ) -> Result<Option<u64>> {
        super::retention::anonymise(&self.write, cutoffs, run_key, at).await
    }
}

#[async_trait]
impl DocumentStore for ThisStore {
    async fn documents(&self, case_id: CaseId) -> Result<Vec<StoredDocument>> {
        outbox::documents(&self.read, case_id).await
    }

    async fn document_content(&self, id: i64) -> Result<Option<(StoredDocument, Vec<u8>)>> {
        outbox::document_content(&self.read, id).await
    }

    async fn add_document(
        &self,
        case_id: CaseId,
        document: NewDocument,
        at: Timestamp,
    ) -> Result<i64> {
        outbox::add_document(&self.write, case_id, &document, at).await
    }
}

#[async_trait]
impl OutboxStore for ThisStore {
    async fn claim_outbox(
        &self,
        owner: &str,
        now: Timestamp,
        lease_until: Timestamp,
        limit: u32,
    ) -> Result<Vec<OutgoingMessage>> {
        outbox::claim(&self.write, owner, now, lease_until, limit).await
    }

    async fn outbox_sent(
        &self,
        id: i64,
        owner: &str,
        at: Timestamp,
        response: &str,
    ) -> Result<bool> {
        outbox::mark_sent(&self.write, id, owner, at, response).await
    }

    async fn outbox_failed(
        &self,
        id: i64,
        owner: &str,
        error: &str,
        retry_at: Option<Timestamp>,
    ) -> Result<bool> {
        outbox::mark_failed(&self.write, id, owner, error, retry_at).await
    }

    async fn outbox_requeue(&self, id: i64, at: Timestamp, actor: &str) -> Result<bool> {
        outbox::requeue(&self.write, id, at, actor).await
    }

    async fn outbox(&self, filter: &OutboxFilter) -> Result<Vec<OutboxEntry>> {
        outbox::list(&self.read, filter).await
    }

    async fn outbox_counts(&self) -> Result<Vec<(OutboxState, u64)>> {
        outbox::counts(&self.read).await
    }

    async fn outbox_queue_length(&self) -> Result<u64> {
        outbox::queue_length(&self.read).await
    }
}

#[async_trait]
impl Open311Store for ThisStore {
    async fn open311_requests(
        &self,
        query: &crate::model::Open311Query,
    ) -> Result<Vec<crate::model::Open311Request>> {
        super::open311::requests(&self.read, query).await
    }

    async fn open311_updates(
        &self,
        query: &crate::model::Open311UpdatesQuery,
    ) -> Result<Vec<crate::model::Open311Update>> {
        super::open311::updates(&self.read, query).await
    }

    async fn open311_token(&self, token: &str) -> Result<Option<RegistrationNumber>> {
        super::open311::token(&self.read, token).await
    }

    async fn create_api_key(
        &self,
        key: crate::model::NewApiKey,
        at: Timestamp,
        actor: &str,
    ) -> Result<crate::model::ApiKey> {
        super::open311::create_api_key(&self.write, key, at, actor).await
    }

    async fn api_keys(&self) -> Result<Vec<crate::model::ApiKey>> {
        super::open311::api_keys(&self.read).await
    }

    async fn api_key_by_hash(&self, key_hash: &str) -> Result<Option<crate::model::ApiKey>> {
        super::open311::api_key_by_hash(&self.read, key_hash).await
    }

    async fn revoke_api_key(
        &self,
        id: i64,
        at: Timestamp,
        actor: &str,
    ) -> Result<Option<crate::model::ApiKey>> {
        super::open311::revoke_api_key(&self.write, id, at, actor).await
    }
}

#[async_trait]
impl IndexStore for ThisStore {
    async fn cases_for_index(
        &self,
        scan: crate::IndexScan,
    ) -> Result<Vec<crate::IndexCase>> {
        super::search::cases_for_index(&self.read, &scan).await
    }

    async fn register_marker(&self) -> Result<crate::RegisterMarker> {
        super::search::marker(&self.read).await
    }
}

#[async_trait]
impl Store for ThisStore {
    async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.read).await?;
        Ok(())
    }

    async fn backup(&self, target: &str) -> Result<()> {
        online_backup(&self.read, target).await
    }
}
