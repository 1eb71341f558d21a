"""Staff sign-in, passwords and user accounts."""
