"""The terminal front end: the `policybot` command line, `doctor`, the console chat and quiz."""
