from django.contrib import admin

from rostra.staff.models import AuditEntry, EditorProfile


@admin.register(EditorProfile)
class EditorProfileAdmin(admin.ModelAdmin):
    list_display = ("user", "languages")


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("created_at", "username", "action", "object_type", "object_repr", "via")
    list_filter = ("action", "via")
    search_fields = ("username", "object_repr")

    def has_change_permission(self, request, obj=None):
        return False  # the log is append-only

    def has_delete_permission(self, request, obj=None):
        return False


# An editor's languages are edited on the user's own admin page.
from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.admin import UserAdmin  # noqa: E402


class EditorProfileInline(admin.StackedInline):
    model = EditorProfile
    can_delete = True
    verbose_name = "languages this editor may edit (empty: all)"
    verbose_name_plural = verbose_name
    extra = 0


_User = get_user_model()
if admin.site.is_registered(_User):
    _base = type(admin.site._registry[_User])
    admin.site.unregister(_User)
else:  # pragma: no cover
    _base = UserAdmin


@admin.register(_User)
class RostraUserAdmin(_base):
    inlines = [*getattr(_base, "inlines", ()), EditorProfileInline]
