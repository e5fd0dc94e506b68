"""The staff pages that create and revoke API tokens (in the review site's look).

They live with the tokens so the review app need not know the API exists.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from rostra.api.models import ApiToken
from rostra.api.tokens import create_token, revoke_token
from rostra.core.errors import UserError
from rostra.review.views.common import page_context, staff_page


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
    return redirect("api_tokens:list")
