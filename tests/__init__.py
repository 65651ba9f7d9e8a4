"""The nexus-pm test suite."""
