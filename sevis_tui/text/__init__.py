"""How sizes and dates are written, everywhere. No Textual, nothing of ours."""
