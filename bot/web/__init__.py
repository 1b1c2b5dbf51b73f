"""The web front end: a mobile-first study page over the same core as the bot (Starlette)."""
