-- How many attempts a job gets is an operator setting (jobs.max_attempts), read by the workers
-- when an attempt fails, not a value frozen into each row when it was queued.
ALTER TABLE jobs DROP COLUMN max_attempts;
