-- The journal page filters by person, case, action and period and reads newest first: each
-- filter has an index that ends in (at, id), so a page is read in order off one index however
-- large the journal grows, and the period alone uses journal_at.
CREATE INDEX journal_at ON journal (at, id);
CREATE INDEX journal_actor ON journal (actor, at, id);
CREATE INDEX journal_action ON journal (action, at, id);
CREATE INDEX journal_case ON journal (submission_id, at, id);
