"""The review desk: story clusters, review decisions, alerts, the daily digest and the web inbox.

Modules: ``states`` (review states and decisions), ``clusters`` (near-duplicate detection:
MinHash + LSH banding over body shingles), ``alerts`` (``[[alerts]]`` webhooks, once per
story), ``digest`` (the daily digest and its ``daily-digest`` flow), ``pipeline`` (what a
poll cycle calls after saving articles), ``web`` (the FastAPI inbox).
"""
