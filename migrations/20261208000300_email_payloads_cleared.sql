-- An email's payload holds live links (password resets, invitations, email changes):
-- from now on it is cleared once the email is sent or has failed for good. This clears
-- what earlier sends left behind.
update email_messages set payload = '{}' where status <> 'QUEUED' and payload <> '{}';
