"""Photos before a paid call: preparation to the service's limits, faces, quality and the pre-
checks.
"""
