-- How each member of staff wants the mail about their cases (issue 18): 'immediate' (an e-mail
-- per event — a deadline reminder, a citizen's answer; the default, when there is no row) or
-- 'digest' (one e-mail a day with all of them). Each person chooses their own.
CREATE TABLE staff_mail_modes (
    user_id    BIGINT  PRIMARY KEY REFERENCES users (id),
    mode       TEXT    NOT NULL,
    changed_at TEXT    NOT NULL
);
