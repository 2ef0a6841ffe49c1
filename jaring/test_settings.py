"""Settings for the test suite: fixed test-only secrets, files in a temporary folder."""

import os
import tempfile

os.environ["JARING_ENV"] = "test"
# Uploads, trained models and result workbooks of a test run go to a throwaway folder.
os.environ.setdefault("JARING_VAR_DIR", tempfile.mkdtemp(prefix="jaring-test-"))

from jaring.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast logins in tests
# Tasks run at once, in the request; the browser tests start a real worker instead.
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
# Tests read many people as masked roles (the NIK rebuild, the permission matrix); the pace
# has its own test (tests/security/test_pacing.py).
JARING_BROWSE_PER_HOUR = 1_000_000
