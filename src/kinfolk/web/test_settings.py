"""Settings for the test suite: the real settings with a throwaway secret key."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-secret-key-not-for-production")

from kinfolk.web.settings import *  # noqa: E402,F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
