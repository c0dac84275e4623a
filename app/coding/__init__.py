"""Coding what residents said: agreement between coders (the workbench follows)."""
