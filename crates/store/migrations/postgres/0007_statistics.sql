-- Statistics, pre-aggregated (PostgreSQL; mirrors migrations/sqlite/0007_statistics.sql): a
-- month's cells are recomputed by a background job whenever a case received in that month
-- changes. Triggers mark the month, so no code path that changes a case can forget to.

ALTER TABLE submissions ADD COLUMN deadline_extended BOOLEAN NOT NULL DEFAULT false;
UPDATE submissions SET deadline_extended = true
 WHERE id IN (SELECT submission_id FROM case_events WHERE status = 'inspection');

CREATE TABLE stats_months (
    month            TEXT PRIMARY KEY,
    version          BIGINT NOT NULL,
    computed_version BIGINT NOT NULL DEFAULT 0,
    computed_at      TEXT
);

CREATE TABLE stats_cells (
    month     TEXT NOT NULL,
    dimension TEXT NOT NULL,
    value     TEXT NOT NULL,
    tally     TEXT NOT NULL,
    PRIMARY KEY (month, dimension, value)
);

CREATE TABLE stats_topics (
    month TEXT   NOT NULL,
    term  TEXT   NOT NULL,
    label TEXT   NOT NULL,
    count BIGINT NOT NULL,
    PRIMARY KEY (month, term)
);

INSERT INTO stats_months (month, version)
SELECT DISTINCT substr(received_date, 1, 7), 1 FROM submissions;

CREATE FUNCTION stats_mark_month(changed_month TEXT) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO stats_months (month, version) VALUES (changed_month, 1)
    ON CONFLICT (month) DO UPDATE SET version = stats_months.version + 1;
END
$$;

CREATE FUNCTION stats_mark_submission() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM stats_mark_month(substr(NEW.received_date, 1, 7));
    RETURN NULL;
END
$$;

CREATE FUNCTION stats_mark_survey() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM stats_mark_month(substr(s.received_date, 1, 7))
       FROM submissions s WHERE s.id = NEW.submission_id;
    RETURN NULL;
END
$$;

CREATE TRIGGER stats_mark_insert AFTER INSERT ON submissions
    FOR EACH ROW EXECUTE FUNCTION stats_mark_submission();
CREATE TRIGGER stats_mark_update
    AFTER UPDATE OF kind, channel, subject, status, department_id, service_code, answer_due,
                    deadline_extended, answered_at, not_considered_rule, urgency, sealed
    ON submissions
    FOR EACH ROW EXECUTE FUNCTION stats_mark_submission();
CREATE TRIGGER stats_mark_survey AFTER INSERT OR UPDATE ON surveys
    FOR EACH ROW EXECUTE FUNCTION stats_mark_survey();
