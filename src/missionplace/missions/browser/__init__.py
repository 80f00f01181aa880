"""Pages of missions: the owning mission of an item, a mission's staff."""
