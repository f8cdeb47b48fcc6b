"""Widget tests."""
