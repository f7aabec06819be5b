"""The audit trail: records and their hash chain, the history policy, the SQLite and PostgreSQL
stores, the outbox to a shared store, reports and exports.
"""
