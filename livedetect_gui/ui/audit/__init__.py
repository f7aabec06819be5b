"""The supervisor's side: history, reports, their charts and PDF."""
