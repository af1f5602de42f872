"""The HTTP API (FastAPI): for now the exchange endpoints other nodes call."""
