"""Web forms of publishing."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import BooleanField, DateField, StringField
from wtforms.validators import DataRequired, Length, Regexp


class PublishForm(FlaskForm):  # type: ignore[misc]
    file = FileField(
        "制度文件（.doc / .docx / .txt / .json）",
        validators=[FileRequired("请选择文件。"), FileAllowed(["doc", "docx", "txt", "json"], "只支持 .doc、.docx、.txt、.json。")],
    )
    version = StringField(
        "版本号", validators=[DataRequired("请填写版本号。"), Regexp(r"^[0-9A-Za-z][0-9A-Za-z.\-]{0,31}$", message="版本号只能包含字母、数字、点和连字符。")]
    )
    effective = DateField("生效日期", validators=[DataRequired("请填写生效日期。")])
    title = StringField("标题", validators=[Length(max=300)])
    editorial = BooleanField("仅文字修订（不要求重新签署；如有实质变化将拒绝发布）")
