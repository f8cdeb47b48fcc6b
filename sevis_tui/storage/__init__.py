"""Reading and writing files: whole or not at all, private modes, the certificate files,
a private key handed to `ssl`. No Textual."""
