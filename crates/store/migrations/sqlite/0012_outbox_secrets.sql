-- A message's tracking code (`outbox.secret`) is kept only while the message may still be sent:
-- the worker now forgets it when a message fails for good, as it always did when one was sent.
-- Forget the codes that messages which ended before this version kept.
UPDATE outbox SET secret = NULL WHERE secret IS NOT NULL AND state IN ('sent', 'failed');
