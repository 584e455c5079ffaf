-- Statistics, pre-aggregated (see priemna_domain::stats): a month's cells are recomputed by a
-- background job whenever a case received in that month changes. Triggers mark the month, so no
-- code path that changes a case can forget to.

-- Whether the deadline was extended for an inspection ("answered on time" is judged against the
-- extended date; the statistics also count extensions).
ALTER TABLE submissions ADD COLUMN deadline_extended INTEGER NOT NULL DEFAULT 0;
UPDATE submissions SET deadline_extended = 1
 WHERE id IN (SELECT submission_id FROM case_events WHERE status = 'inspection');

-- One row per month of receipt: `version` counts changes, `computed_version` is the version the
-- stored cells reflect. version > computed_version: the month is stale.
CREATE TABLE stats_months (
    month            TEXT PRIMARY KEY, -- YYYY-MM
    version          INTEGER NOT NULL,
    computed_version INTEGER NOT NULL DEFAULT 0,
    computed_at      TEXT
);

CREATE TABLE stats_cells (
    month     TEXT NOT NULL,
    dimension TEXT NOT NULL, -- all, kind, channel, department, category, department_kind, rule
    value     TEXT NOT NULL,
    tally     TEXT NOT NULL, -- JSON: priemna_domain::stats::Tally
    PRIMARY KEY (month, dimension, value)
);

-- The most frequent words of the month's subjects (stems, with the commonest spelling).
CREATE TABLE stats_topics (
    month TEXT    NOT NULL,
    term  TEXT    NOT NULL,
    label TEXT    NOT NULL,
    count INTEGER NOT NULL,
    PRIMARY KEY (month, term)
);

INSERT INTO stats_months (month, version)
SELECT DISTINCT substr(received_date, 1, 7), 1 FROM submissions WHERE true;

CREATE TRIGGER stats_mark_insert AFTER INSERT ON submissions
BEGIN
    INSERT INTO stats_months (month, version) VALUES (substr(NEW.received_date, 1, 7), 1)
    ON CONFLICT (month) DO UPDATE SET version = stats_months.version + 1;
END;

CREATE TRIGGER stats_mark_update
AFTER UPDATE OF kind, channel, subject, status, department_id, service_code, answer_due,
                deadline_extended, answered_at, not_considered_rule, urgency, sealed
ON submissions
BEGIN
    INSERT INTO stats_months (month, version) VALUES (substr(NEW.received_date, 1, 7), 1)
    ON CONFLICT (month) DO UPDATE SET version = stats_months.version + 1;
END;

CREATE TRIGGER stats_mark_survey AFTER INSERT ON surveys
BEGIN
    INSERT INTO stats_months (month, version)
    SELECT substr(received_date, 1, 7), 1 FROM submissions WHERE id = NEW.submission_id
    ON CONFLICT (month) DO UPDATE SET version = stats_months.version + 1;
END;

CREATE TRIGGER stats_mark_survey_update AFTER UPDATE ON surveys
BEGIN
    INSERT INTO stats_months (month, version)
    SELECT substr(received_date, 1, 7), 1 FROM submissions WHERE id = NEW.submission_id
    ON CONFLICT (month) DO UPDATE SET version = stats_months.version + 1;
END;
