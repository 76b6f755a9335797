"""Web forms of publishing."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileRequired, MultipleFileField
from wtforms import BooleanField, DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Regexp


class PublishForm(FlaskForm):  # type: ignore[misc]
    """The upload that starts a draft: one or several regulations, or a whole compilation."""

    files = MultipleFileField(
        "制度文件（.doc / .docx / .txt，可多选）",
        validators=[FileRequired("请选择文件。"), FileAllowed(["doc", "docx", "txt"], "只支持 .doc、.docx、.txt。")],
    )
    version = StringField(
        "版本号", validators=[DataRequired("请填写版本号。"), Regexp(r"^[0-9A-Za-z][0-9A-Za-z.\-]{0,31}$", message="版本号只能包含字母、数字、点和连字符。")]
    )
    effective = DateField("生效日期", validators=[DataRequired("请填写生效日期。")])
    title = StringField("标题", validators=[Length(max=300)])


class SubmitForm(FlaskForm):  # type: ignore[misc]
    summary = TextAreaField("变更摘要", validators=[DataRequired("请填写变更摘要。"), Length(max=2000)])
    editorial = BooleanField("仅文字修订（不要求重新签署；有实质变化时不能选择）")


class DecisionForm(FlaskForm):  # type: ignore[misc]
    comment = TextAreaField("审批意见（退回时必填）", validators=[Length(max=2000)])


class EmptyForm(FlaskForm):  # type: ignore[misc]
    """Only the CSRF token (match changes, delete)."""


class RollbackForm(FlaskForm):  # type: ignore[misc]
    """Restore an earlier version's text as a new draft (approved and published as a new release)."""

    version = StringField(
        "新版本号", validators=[DataRequired("请填写版本号。"), Regexp(r"^[0-9A-Za-z][0-9A-Za-z.\-]{0,31}$", message="版本号只能包含字母、数字、点和连字符。")]
    )
    effective = DateField("生效日期", validators=[DataRequired("请填写生效日期。")])


class WithdrawForm(FlaskForm):  # type: ignore[misc]
    reason = TextAreaField("停用原因", validators=[DataRequired("停用制度必须填写原因。"), Length(max=2000)])
