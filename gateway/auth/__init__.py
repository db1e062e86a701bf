"""Who may ask what: token verification, the request principal, role-based permissions."""
