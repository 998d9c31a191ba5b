-- An email's payload holds live links (password resets, invitations, email changes):
-- from now on it is cleared once the email is sent, and a week after it failed for good
-- (its job can be retried until then). This clears what earlier sends left behind.
update email_messages set payload = '{}'
 where payload <> '{}'
   and (status = 'SENT' or (status = 'FAILED' and updated_at < now() - interval '7 days'));
