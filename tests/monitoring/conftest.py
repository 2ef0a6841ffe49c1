"""Fixtures of monitoring: the seed regions with people and reported figures."""
