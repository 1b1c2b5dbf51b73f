"""The Telegram adapter: translates updates into calls of bot.core and results into messages."""
