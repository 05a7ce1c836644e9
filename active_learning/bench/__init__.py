"""Offline measurement: accuracy/latency benchmarks, the regex baseline, learning curves,
fine-tuning benchmark, OCR samples. Nothing in serving or the loop imports it.
"""
