"""adversary: worst-case search for job sets that stress GSA and GBA."""
