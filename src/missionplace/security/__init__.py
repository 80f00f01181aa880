"""Security measures that sit around the content: requests, responses, sessions, logins, spam.

The access rules themselves are the policies (policies/*.toml); this package
holds what protects the site at its edges: CSRF for REST, downloads served as
uploaded, response headers, sessions that end at logout, login throttling,
spam protection of public forms, and who may look up people.
"""
