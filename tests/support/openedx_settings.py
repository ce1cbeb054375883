"""Django settings for the Open edX test bed (tests/support/openedx_bed.py): xblock-sdk's workbench with
Open edX's SCORM and cmi5 XBlocks, as a throw-away LMS on 127.0.0.1.

Imported only inside the test bed's own venv (scripts/install-testbeds.sh), never by the test suite.
Adapted from ../shared/testbeds/openedx/edx_workbench_settings.py, plus what the cmi5 block needs from the
Open edX platform and the workbench lacks: LMS_ROOT_URL (set by openedx_bed.py once the port is known),
XBLOCK_SETTINGS["CMI5XBlock"] (the LRS it forwards to, from the environment), a "settings" service that
hands a block its bucket of XBLOCK_SETTINGS, an "enrollments" service, and third-party handler URLs that
are exempt from CSRF and answered for the learner of the session (Open edX's handler_noauth).
"""

import os
import uuid

from workbench.settings import *  # noqa: F401,F403  (xblock-sdk's own settings, then ours)

TESTBED_DIR = os.environ["TESTBED_DIR"]
DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3",
                         "NAME": os.path.join(TESTBED_DIR, "workbench.db"),
                         "OPTIONS": {"timeout": 20}}}
MEDIA_ROOT = os.path.join(TESTBED_DIR, "media")
MEDIA_URL = "/media/"        # the cmi5 block's AUs are served from here (workbench urls, DEBUG only)
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
DEBUG = True
EXCLUDED_XBLOCKS = set()
WORKBENCH = dict(WORKBENCH)  # noqa: F405
WORKBENCH["reset_state_on_restart"] = False
# django-pyfs ("djpyfs", the "fs" service) does not load under Django 5 and neither block uses it
INSTALLED_APPS = [a for a in INSTALLED_APPS if a != "djpyfs"]  # noqa: F405
WORKBENCH["services"] = {k: v for k, v in WORKBENCH.get("services", {}).items() if k != "fs"}
WORKBENCH["services"]["settings"] = "openedx_settings.SettingsService"
WORKBENCH["services"]["enrollments"] = "openedx_settings.EnrollmentsService"
MIDDLEWARE = ["openedx_settings.NoauthHandlers", *MIDDLEWARE]  # noqa: F405

LMS_ROOT_URL = "http://127.0.0.1"  # replaced by openedx_bed.py with the server's base URL
COURSE_KEY = "course-v1:coursepack+beds+2026"
XBLOCK_SETTINGS = {"CMI5XBlock": {"LRS_ENDPOINT": os.environ.get("CMI5_LRS_ENDPOINT", ""),
                                  "LRS_AUTH_KEY": os.environ.get("CMI5_LRS_KEY", ""),
                                  "LRS_AUTH_SECRET": os.environ.get("CMI5_LRS_SECRET", "")}}

LOGGING = {"version": 1, "disable_existing_loggers": False,
           "handlers": {"file": {"class": "logging.FileHandler",
                                 "filename": os.path.join(TESTBED_DIR, "server.log")}},
           "root": {"handlers": ["file"], "level": "INFO"}}


class SettingsService:
    """Open edX's SettingsService: a block's bucket of XBLOCK_SETTINGS, by class name."""

    def get_settings_bucket(self, block, default=None):
        from django.conf import settings
        name = getattr(block, "unmixed_class", type(block)).__name__
        return settings.XBLOCK_SETTINGS.get(name, default if default is not None else {})


class _Enrollment:
    def __init__(self, course_id, user_id):
        self.id = uuid.uuid5(uuid.NAMESPACE_URL, f"{course_id}/{user_id}").int % 10**9


class EnrollmentsService:
    """Open edX's enrollments service, as far as the cmi5 block uses it: one active enrollment per
    learner and course, with a stable id."""

    def get_active_enrollments_by_course_and_user(self, course_id, user_id):
        return _Enrollment(course_id, user_id)


class NoauthHandlers:
    """/handler_noauth/...: a block's third-party handlers (the cmi5 AU's LRS endpoint and fetch URL),
    exempt from CSRF like Open edX's, and answered for the learner named by the session's cookie."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info.startswith("/handler_noauth/"):
            request._dont_enforce_csrf_checks = True
            request.path_info = "/handler/" + request.path_info[len("/handler_noauth/"):]
        return self.get_response(request)
