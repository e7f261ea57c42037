"""The year's cycle: open a fiscal year (its forms sent and recorded), who has answered (status), close it."""
