"""Tables of issue 17 (api_token)."""
