"""The comment form: one text, required, counted the way every limit in Grantpath is counted."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import DataRequired, ValidationError

from ..core.forms import BaseForm
from ..core.i18n import format_number
from ..programmes.rules import count_characters

COMMENT_MAX = 2000


def _within_limit(form, field) -> None:
    used = count_characters(field.data or "")
    if used > COMMENT_MAX:
        raise ValidationError(
            _l(
                "A comment has at most %(max)s characters; this one has %(count)s.",
                max=format_number(COMMENT_MAX),
                count=format_number(used),
            )
        )


class CommentForm(BaseForm):
    body = TextAreaField(
        _l("Your comment"),
        validators=[DataRequired(_l("Write the comment first.")), _within_limit],
        render_kw={"rows": 3, "data-limit": COMMENT_MAX},
    )
