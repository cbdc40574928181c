"""Forms of the reviews app, one module per concern (as `services/` and `views/`); shared widgets in `fields`."""
