"""Login, logout, password change (Django's views, our templates), the audit log.

(The API token pages live with the tokens, in rostra.api.token_pages.)"""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.shortcuts import render
from django.urls import reverse, reverse_lazy

from rostra.review.login_throttle import ThrottledAuthenticationForm
from rostra.review.views.common import page_context, staff_page
from rostra.staff import roles
from rostra.staff.models import AuditEntry


class LoginView(auth_views.LoginView):
    template_name = "review/login.html"
    redirect_authenticated_user = True
    authentication_form = ThrottledAuthenticationForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        if form.is_throttled():
            response.status_code = 429
        return response

    def get_default_redirect_url(self):
        return reverse("review:queue") if roles.has(self.request.user, "view_queue") \
            else reverse("review:home")


class LogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("review:login")


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "review/password_change.html"
    success_url = reverse_lazy("review:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "review/password_change_done.html"


@staff_page()
def home(request):
    """Where a signed-in person lands: links to what their role may do."""
    return render(request, "review/home.html", page_context(request))


@staff_page("manage_tokens")
def audit_log(request):
    entries = AuditEntry.objects.all()
    if request.GET.get("user"):
        entries = entries.filter(username=request.GET["user"])
    if request.GET.get("action"):
        entries = entries.filter(action=request.GET["action"])
    return render(request, "review/audit.html", page_context(request, entries=entries[:200]))
