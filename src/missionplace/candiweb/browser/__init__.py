"""CandiWeb pages: listings and exports, records, the iCal feed, the import page."""
