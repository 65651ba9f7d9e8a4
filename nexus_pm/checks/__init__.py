"""Executable prevention checks: rules that enforce the lessons of incidents."""
