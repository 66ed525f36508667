"""An application's team: who writes it, and inviting a colleague at the same school by address."""
