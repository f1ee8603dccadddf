"""The API's routes, grouped by resource."""
