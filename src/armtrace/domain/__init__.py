"""Pure rules and models of armtrace: the standard library only, no I/O."""
