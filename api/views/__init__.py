"""The API's views, one module per concern: reference data, clusters, applications, transitions, public data,
and the province's token page."""
