"""Pages of forms: easyform's Saved data, mended."""
