-- A conversation on every case (issue 18 part B): the officer asks the citizen for missing
-- information, the citizen answers on the tracking page or by e-mail, staff write internal
-- notes that the citizen never sees.

-- The case's reference in the e-mails Priemna sends to the citizen: a random token (65 bits),
-- in the subject as [П-TOKEN] and in References as <case.token@domain>. A reply that carries it
-- from the case's own contact address is added to the case. Made when the first e-mail about the
-- case is sent.
CREATE TABLE case_threads (
    submission_id BIGINT  PRIMARY KEY REFERENCES submissions (id),
    token         TEXT    NOT NULL UNIQUE,
    created_at    TEXT    NOT NULL
);

CREATE TABLE case_messages (
    id             BIGSERIAL PRIMARY KEY,
    submission_id  BIGINT  NOT NULL REFERENCES submissions (id),
    direction      TEXT    NOT NULL, -- from_citizen, to_citizen, internal
    channel        TEXT    NOT NULL, -- portal, email, staff
    author_user_id BIGINT  REFERENCES users (id), -- staff; NULL for the citizen and the mailbox
    text           TEXT    NOT NULL,
    full_text      TEXT,             -- an e-mail's whole text, with the quoted history trimmed from `text`
    due_date       TEXT,             -- a request for information: answer by this day
    message_key    TEXT    UNIQUE,   -- an e-mail's key (SHA-256 of its Message-ID): added once
    created_at     TEXT    NOT NULL
);
CREATE INDEX case_messages_case ON case_messages (submission_id, id);

-- Files sent with a message of the conversation (NULL: sent with the submission).
ALTER TABLE attachments ADD COLUMN case_message_id BIGINT REFERENCES case_messages (id);

-- A request for information waits for the citizen since this day (NULL: none waits). For an
-- application the term stops meanwhile (answer_due is NULL) and runs anew from the day the
-- information arrives.
ALTER TABLE submissions ADD COLUMN awaiting_since TEXT;
