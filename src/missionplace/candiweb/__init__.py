"""CandiWeb: organs, elections and candidatures, their import, pages, exports and services."""
