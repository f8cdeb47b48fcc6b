"""The typed async client of the registration service (no Textual, no service here).

    from sevis_tui.api.remote import open_remote_client
    client = await open_remote_client(settings)     # the app: sevis_tui.wiring.embedded.open_client
    result = await client.login(user_id, password)

Answers are the wire contract's types (`sevis_tui.contract`), exceptions are in
`sevis_tui.api.errors`. This package never imports the service: the embedded demo is wired
on the app side (`sevis_tui.wiring.embedded`).
"""
