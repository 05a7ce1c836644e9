"""Fine-tuning: Label Studio annotations and generated cards -> word-level examples -> Trainer.
"""
