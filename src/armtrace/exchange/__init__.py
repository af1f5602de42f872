"""Messages between nodes: signed envelopes, the outbox that delivers them, the inbox that keeps them."""
