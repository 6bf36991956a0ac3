import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse, HttpResponseRedirect
from django.utils import translation
from django.utils.translation import gettext as _


class LanguageMiddleware:
    """Bahasa Indonesia unless the user chose another language with the switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, and many
    phones in the field are set to English; the programme's language is Indonesian,
    so only the explicit choice (the language cookie set by the switch) counts.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        response.headers.setdefault("Vary", "Cookie")
        return response


class PrivatePagesNoStoreMiddleware:
    """``Cache-Control: private, no-store`` on every response to a signed-in user.

    Their pages carry families' names, NIKs and addresses: neither a shared proxy nor the
    browser's disk cache (a phone passed to a colleague, the back button after "Keluar")
    may keep them. A response that already says how it may be cached (a download, a
    private file) keeps its own header. Anonymous responses (the login page, redirects to
    it) and static files (whitenoise answers before any of this) are left as they were.
    """

    VALUE = "private, no-store"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            response["Cache-Control"] = self.VALUE
        return response


def session_mark_active(sender, request, user, **kwargs) -> None:
    """``user_logged_in`` receiver: a new session starts its idle clock at login."""
    if request is not None and hasattr(request, "session"):
        request.session[SessionIdleTimeoutMiddleware.KEY] = int(time.time())


class SessionIdleTimeoutMiddleware:
    """Signs a user out after ``PKH_SESSION_IDLE_TIMEOUT`` seconds without a request.

    The time of the last request is kept in the session, rewritten at most once every
    ``PKH_SESSION_ACTIVITY_RESOLUTION`` seconds (not on every request, which would write
    the session row each time). An expired
    session is flushed and the user sent to the login page, with ``next`` pointing back.
    """

    KEY = "_pkh_last_seen"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        timeout = settings.PKH_SESSION_IDLE_TIMEOUT
        if timeout > 0 and request.user.is_authenticated:
            now = int(time.time())
            last_seen = request.session.get(self.KEY)
            if last_seen is not None and now - last_seen > timeout:
                return self._expired(request)
            resolution = min(settings.PKH_SESSION_ACTIVITY_RESOLUTION, max(1, timeout // 10))
            if last_seen is None or now - last_seen >= resolution:
                request.session[self.KEY] = now
        return self.get_response(request)

    def _expired(self, request):
        logout(request)
        messages.info(request, _("Sesi Anda berakhir karena lama tidak aktif. Silakan masuk lagi."))
        login_url = redirect_to_login(request.get_full_path()).url
        if request.headers.get("HX-Request"):
            # An htmx poll would swap the login page into a fragment: reload the page instead.
            response = HttpResponse(status=204)
            response["HX-Redirect"] = login_url
            return response
        return HttpResponseRedirect(login_url)
