"""The settings: the layered config, the key names it may remap, the certificate policy
built from it. No Textual."""
