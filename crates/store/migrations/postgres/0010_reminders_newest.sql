-- A member of staff's reminders, newest first: the inbox shows the latest 200, and with this
-- index reads only those (the Mayor's office may hold thousands of escalations).
CREATE INDEX staff_reminders_user_newest ON staff_reminders (user_id, id);
