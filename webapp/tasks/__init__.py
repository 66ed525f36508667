"""An application's tasks: who does what by when."""
