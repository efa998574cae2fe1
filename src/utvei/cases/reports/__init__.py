"""A report of serious concern as one page: what was reported, and the police contact's answers to it."""
