"""The archive's staff: the roles and what each may do, editors' languages, the audit log.

Below review, comments and the API, which all ask it; it imports none of them.
"""
