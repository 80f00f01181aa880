"""Site-wide page furniture: right-to-left pages and the language selector."""
