"""The ML backend process: the Flask app, the model holder's atomic swap, metrics.
"""
