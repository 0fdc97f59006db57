"""Migration scripts, one per schema change, newest last (HEAD in the parent package)."""
