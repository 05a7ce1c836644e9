"""cardloop active learning: datasets from Label Studio, training, model registry, uncertainty, CRM export."""
