"""The questions a screen asks for itself (yes/no, a file name, a password, the Actions
menu): modal screens that answer their screen and are not part of the flow."""
