"""The typed async client of the registration service (no Textual here).

    from sevis_tui.api.embedded import open_client
    client = await open_client(settings)
    result = await client.login(user_id, password)

Models are in `sevis_tui.api.models`, exceptions in `sevis_tui.api.errors`.
"""
