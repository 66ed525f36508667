"""Budget calculators: pure computation from a rates file under workflows/rates/, no database."""
