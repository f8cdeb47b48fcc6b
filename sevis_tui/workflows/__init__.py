"""Work over the client and the files: registering one certificate for several programs,
renewal, the printouts. No Textual."""
