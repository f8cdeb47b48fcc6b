"""The app side: the Textual app, the flow, screens, dialogs and widgets."""
