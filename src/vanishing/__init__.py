"""vanishing."""
