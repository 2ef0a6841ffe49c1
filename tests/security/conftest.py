"""Fixtures of the security tests: the programmes' small registry."""

from tests.programmes.conftest import register  # noqa: F401
