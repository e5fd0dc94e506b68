"""Login, logout, password change (Django's views, our templates), API tokens, audit log."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth import views as auth_views
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.views.decorators.http import require_POST

from rostra.api.models import ApiToken
from rostra.api.tokens import create_token, revoke_token
from rostra.core.errors import UserError
from rostra.review.login_throttle import ThrottledAuthenticationForm
from rostra.review.models import AuditEntry
from rostra.review.views.common import page_context, staff_page


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
        return reverse("review:queue") if self.request.user.has_perm(
            "review.view_queue") else reverse("review:home")


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
def tokens(request):
    created = None
    if request.method == "POST":
        owner_name = (request.POST.get("owner") or request.user.get_username()).strip()
        owner = get_user_model().objects.filter(username=owner_name).first()
        try:
            if owner is None:
                raise UserError(f"there is no user {owner_name!r}; create the account first")
            row, token = create_token(user=request.user, owner=owner,
                                      name=request.POST.get("name", ""))
            created = {"row": row, "token": token}
        except UserError as error:
            messages.error(request, str(error))
    rows = ApiToken.objects.select_related("user").order_by("-created_at")
    return render(request, "review/tokens.html", page_context(
        request, tokens=rows, created=created,
        users=get_user_model().objects.filter(is_active=True).order_by("username")))


@require_POST
@staff_page("manage_tokens")
def revoke(request, pk: int):
    revoke_token(get_object_or_404(ApiToken, pk=pk), user=request.user)
    messages.success(request, "token revoked")
    return redirect("review:tokens")


@staff_page("manage_tokens")
def audit_log(request):
    entries = AuditEntry.objects.all()
    if request.GET.get("user"):
        entries = entries.filter(username=request.GET["user"])
    if request.GET.get("action"):
        entries = entries.filter(action=request.GET["action"])
    return render(request, "review/audit.html", page_context(request, entries=entries[:200]))
