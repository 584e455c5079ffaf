-- Public topics now come only from the subjects of public matters (never a complaint about an
-- employee, a private kind or an obscene submission) and need several cases per period. The
-- topics computed under the old rule are dropped at once, and every month is recomputed by the
-- statistics job.
DELETE FROM stats_topics WHERE true;
UPDATE stats_months SET version = version + 1 WHERE true;
