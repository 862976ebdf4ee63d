"""The outbox: every e-mail and text message Kinfolk sends, one row per recipient.

A message is a row inserted in the same transaction as the change it
announces, so a change that rolls back tells nobody and a change that
commits cannot lose its message.  Rows are delivered by a task enqueued when
that transaction commits, and by the periodic tick, which catches up on
anything the task missed.

The guarantee, exactly:

* **At least once.**  Every queued message is handed to the e-mail or SMS
  backend until the backend accepts it, or until it has failed
  ``MAX_ATTEMPTS`` times (then it stops as *failed* and shows on the
  operators' health page).  A worker that dies with messages claimed leaves
  them *sending*; once the claim is older than ``OUTBOX_CLAIM_SECONDS`` any
  worker takes them over.
* **Never twice after a recorded success.**  A row is claimed with a
  conditional update before it is sent and marked *sent* right after, so a
  second worker, a second task or a second tick never sends it again.  A
  worker keeps its claim fresh while it works through a batch, and checks
  that it still holds a row before sending it.
* **The one gap, and how it shows.**  If a worker dies after the backend
  accepted a message but before the row was marked sent, nobody can know
  whether it went; it is sent again.  Each row carries one ``Message-ID``
  for its whole life (e-mails carry it as the header, text messages hand it
  to the provider as ``message_id``), so a re-send after such a crash is
  the same message, recognisable and discarded as a duplicate by mail
  systems and by providers that deduplicate.

Just before sending, each message is checked again: the recipient account
must still be active, a participant must not have left, and the message's
purpose may add its own check (a proposal still open, a reminder still
due).  A message that no longer applies is *dropped*, never sent.
"""
