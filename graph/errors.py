"""The one exception root of casegraph. Every message says what to do next."""

from __future__ import annotations


class CasegraphError(Exception):
    """A problem the user can fix; the CLI prints it as one line, the app as st.error."""

    exit_code = 1


class ConfigError(CasegraphError):
    """A setting is missing or invalid, or a required tool (Java, Maven) is not installed."""


class DatabaseUnavailable(CasegraphError):
    """Neo4j cannot be reached or refused our credentials."""


class ServerError(CasegraphError):
    """The local Neo4j server could not be provisioned, started or stopped."""


class InputError(CasegraphError):
    """An input path or file cannot be read or parsed."""

    exit_code = 2


class QueryError(CasegraphError):
    """An unknown named query, a bad parameter, a refused write or a failing Cypher statement."""


class ClusterUnavailable(CasegraphError):
    """The Dask cluster that should run the extraction cannot be reached or failed."""
