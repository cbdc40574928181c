"""The API's serializers, one module per concern (as `views/`)."""
