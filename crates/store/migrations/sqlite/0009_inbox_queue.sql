-- The inbox's queue: open cases, most urgent first, then by due date. A partial index in exactly
-- the inbox's order, so that its first page is read off the index instead of sorting every open
-- case (which, with millions of cases and a backlog, took seconds). The status list and the
-- order must stay identical to `inbox` in src/common/cases.rs.
CREATE INDEX submissions_open_queue ON submissions (
    (CASE urgency WHEN 'overdue' THEN 0 WHEN 'due_soon' THEN 1 WHEN 'on_track' THEN 2 ELSE 3 END),
    (answer_due IS NULL),
    answer_due,
    id
) WHERE status IN ('registered', 'triaged', 'assigned', 'in_progress', 'inspection');
