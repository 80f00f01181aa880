"""What every layer may use: the six languages, translations of an item, vocabularies and REST helpers."""
