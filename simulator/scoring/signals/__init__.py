"""Signals: each module reads an Analysis and returns a Signal (level, evidence, gap) per criterion."""
