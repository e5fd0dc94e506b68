"""A rostra command inside a translated message is set apart as code that is not translated."""

from rostra.public.templatetags.rostra_public import commands_marked


def test_the_command_becomes_untranslated_left_to_right_code_and_the_rest_is_escaped():
    message = "مدلی نصب کنید (rostra models fetch m2m100-418m) <b>"
    marked = str(commands_marked(message))
    assert ('(<code translate="no" dir="ltr">rostra models fetch m2m100-418m</code>)'
            in marked)
    assert "&lt;b&gt;" in marked and "<b>" not in marked


def test_a_message_without_a_command_is_only_escaped():
    assert str(commands_marked("no engine & no model")) == "no engine &amp; no model"
