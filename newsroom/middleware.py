"""The Content-Security-Policy header: django-csp's middleware, with the admin's own policy.

Public pages get CONTENT_SECURITY_POLICY (scripts only from this site or with the request's nonce, no
inline styles). Wagtail's and Django's admins cannot run under it (inline scripts and styles in their
templates), so URLs under ADMIN_URL_PREFIXES get ADMIN_CONTENT_SECURITY_POLICY, which still keeps every
resource on this site. A view that sets its own policy with django-csp's decorators keeps it.
"""

from __future__ import annotations

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware, PolicyParts
from csp.utils import build_policy, default_config
from django.conf import settings

# What a view or decorator sets on a response to change or drop its policy (django-csp's attributes).
PER_RESPONSE_ATTRIBUTES = (
    "_csp_config",
    "_csp_update",
    "_csp_replace",
    "_csp_exempt",
    "_csp_config_ro",
    "_csp_update_ro",
    "_csp_replace_ro",
    "_csp_exempt_ro",
)


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, which builds the header from the settings on every response (a tenth of
    what a page served from the page cache costs). A public page without a nonce or a policy of its own
    gets the same two headers every time: built once per settings and reused."""

    _built: tuple | None = None

    def process_response(self, request, response):
        if (
            getattr(request, "_csp_nonce", None) is not None
            or any(getattr(response, name, None) is not None for name in PER_RESPONSE_ATTRIBUTES)
            or HEADER in response
            or HEADER_REPORT_ONLY in response
            or request.path_info.startswith(tuple(settings.ADMIN_URL_PREFIXES))
            or (settings.DEBUG and response.status_code in (404, 500))
        ):
            return super().process_response(request, response)
        header, report_only, excluded = self._public_headers()
        if excluded and request.path_info.startswith(excluded):
            return super().process_response(request, response)
        if header:
            response[HEADER] = header
        if report_only:
            response[HEADER_REPORT_ONLY] = report_only
        # As django-csp does: asking for a nonce after the header is written is an error, not a silent gap.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response

    def _public_headers(self) -> tuple[str, str, tuple[str, ...]]:
        policy = getattr(settings, "CONTENT_SECURITY_POLICY", None)
        policy_ro = getattr(settings, "CONTENT_SECURITY_POLICY_REPORT_ONLY", None)
        built = self._built
        if built is None or built[0] is not policy or built[1] is not policy_ro:
            excluded = tuple((policy or {}).get("EXCLUDE_URL_PREFIXES") or ()) + tuple(
                (policy_ro or {}).get("EXCLUDE_URL_PREFIXES") or ()
            )
            headers = (build_policy(), build_policy(report_only=True), excluded)
            built = self._built = (policy, policy_ro, headers)
        return built[2]

    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if (
            not report_only
            and parts.config is None
            and request.path_info.startswith(tuple(settings.ADMIN_URL_PREFIXES))
        ):
            parts.config = default_config(settings.ADMIN_CONTENT_SECURITY_POLICY)
        return parts
