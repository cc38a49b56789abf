"""Qt desktop client: windows, panels, item models, translations."""
