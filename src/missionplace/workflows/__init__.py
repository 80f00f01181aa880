"""The publication policies (policies/*.toml) as Plone workflows and placeful workflow policies."""
