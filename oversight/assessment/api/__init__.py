"""REST endpoints of the safe-area assessment and the stability index (routed by oversight/api/urls.py)."""
