"""Places and rooms: place types, membership, mission ownership and the roles people hold in a place."""
