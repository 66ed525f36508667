"""The organisation's directory of partner organisations abroad."""
