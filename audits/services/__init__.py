"""Writes of the audits app: each module owns one part (engagements, findings, postings,
handovers); `files` checks and serves every part's files."""
