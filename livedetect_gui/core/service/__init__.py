"""The service: signing per generation, the backends, the shared HTTP client, pacing, credentials
and the connection policy.
"""
