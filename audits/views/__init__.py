"""Pages of the audits app."""
