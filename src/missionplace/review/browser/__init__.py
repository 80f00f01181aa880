"""Review pages: actions with comments, queues, working copies, history."""
