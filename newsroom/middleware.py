"""The Content-Security-Policy header: django-csp's middleware, with the admin's own policy.

Public pages get CONTENT_SECURITY_POLICY (scripts only from this site or with the request's nonce, no
inline styles). Wagtail's and Django's admins cannot run under it (inline scripts and styles in their
templates), so URLs under ADMIN_URL_PREFIXES get ADMIN_CONTENT_SECURITY_POLICY, which still keeps every
resource on this site. A view that sets its own policy with django-csp's decorators keeps it.
"""

from __future__ import annotations

from csp.middleware import CSPMiddleware, PolicyParts
from csp.utils import default_config
from django.conf import settings


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    def get_policy_parts(self, request, response, report_only: bool = False) -> PolicyParts:
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if (
            not report_only
            and parts.config is None
            and request.path_info.startswith(tuple(settings.ADMIN_URL_PREFIXES))
        ):
            parts.config = default_config(settings.ADMIN_CONTENT_SECURITY_POLICY)
        return parts
