"""Pages of places: home, Members tab, creating a place, a room's policy."""
