"""cert package."""
