"""The model's mechanisms: small pure functions over arrays of shape ``(n_paths, ...)``."""
