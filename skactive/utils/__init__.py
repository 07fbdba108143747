"""Internal helpers shared across skactive."""
