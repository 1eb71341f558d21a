"""Complete responses, however they arrive (web survey, JSON submission, paper keying, file import):
checked against the instrument's rules and stored the same way, in one transaction."""
