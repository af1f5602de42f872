"""The read side: lists, search, details and summaries as plain dataclasses."""
