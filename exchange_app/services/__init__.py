"""Domain logic as plain functions: callable from views, commands and tests alike."""
