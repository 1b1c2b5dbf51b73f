"""Chat-independent logic (answering, quiz, sessions): the CLI, the console chat and the bot call it.

Nothing in this package imports `telegram`.
"""
