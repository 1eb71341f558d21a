"""Campaigns (waves), their participating providers, short links and one-time codes."""
