"""nexus-pm: postmortems as code, validated and rendered into an MkDocs site."""

__version__ = "0.1.0"
