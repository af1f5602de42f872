"""The HTTP API (FastAPI): /api/v1 for people's systems, by bearer token; /exchange/v1 for peer nodes."""
