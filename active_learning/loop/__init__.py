"""The active-learning loop: Label Studio events -> RQ jobs (train, score, CRM) -> next batch.
"""
