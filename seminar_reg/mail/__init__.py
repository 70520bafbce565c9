"""Email: the outbox, its delivery, and the organisers' mail log."""
