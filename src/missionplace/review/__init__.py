"""Review: actions and their comments, history, working copies, queues and the e-mails they send."""
