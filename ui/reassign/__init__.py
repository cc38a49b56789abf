"""reassign."""
