"""The integration API (/api/v1, tokens with scopes) and signed webhooks: see docs/api.md."""
