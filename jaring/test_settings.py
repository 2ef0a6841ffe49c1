"""Settings for the test suite: fixed test-only secrets, no generated files under var/."""

import os

os.environ["JARING_ENV"] = "test"

from jaring.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
