"""What every form of the project shares: the CSS toolkit's classes, and the input rules.

The input rules (`InputRulesMixin`) hold for every form, so that no view has to remember them:

- text typed into a CharField goes through `core.text.text_clean` (no bidi-override or zero-width
  characters, NFC, trimmed) before it is validated; passwords are left exactly as typed;
- an id chosen in a ModelChoiceField or ModelMultipleChoiceField must pass `core.http.id_parse`
  (ASCII digits, 1 to 2**63-1), or the field reports an invalid choice: Django itself only catches
  ValueError and TypeError, and a number past 2**63 raises OverflowError in the database driver;
- a number typed into an IntegerField of a ModelForm stays within its column's range (see
  `column_range`), also where the form leaves the model's checks to its service;
- a date lies between DATE_FIRST and DATE_LAST (the due-date arithmetic stays within Python's
  dates);
- a ModelForm checks the model's unique constraints also across the fields it does not show (the
  community's street when its name is edited), and reports a duplicate on the field the user typed,
  instead of leaving it to the database's IntegrityError.
"""

from collections.abc import Callable
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.utils.translation import gettext_lazy as _

from core.http import id_parse
from core.text import text_clean, text_truncate


def _is_password(field: forms.Field) -> bool:
    # Django's password fields keep surrounding spaces (strip=False) and use PasswordInput
    return isinstance(field.widget, forms.PasswordInput) or not getattr(field, "strip", True)


def _text_cleaning(to_python: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def clean_text(value: Any) -> Any:
        value = to_python(value)
        return text_clean(value) if isinstance(value, str) else value

    return clean_text


def _id_checking(field: forms.ModelChoiceField, method: Callable[[Any], Any]) -> Callable[..., Any]:  # type: ignore[type-arg]
    def check_ids(value: Any) -> Any:
        values = value if isinstance(value, list | tuple) else [value]
        for item in values:
            if item in field.empty_values or isinstance(item, models.Model):
                continue
            if id_parse(item) is None:
                raise ValidationError(
                    field.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": text_truncate(item)},
                )
        return method(value)

    return check_ids


def _keys_by_id(field: forms.ModelChoiceField) -> bool:  # type: ignore[type-arg]
    """Whether the field's values are integer ids (its key is the pk or another integer field)."""
    model = field.queryset.model  # type: ignore[union-attr]
    key = model._meta.get_field(field.to_field_name) if field.to_field_name else model._meta.pk
    return isinstance(key, models.IntegerField | models.AutoField)


def column_range(model: type[models.Model], name: str, field: forms.Field) -> list[Any]:
    """Validators for the range of `model`'s integer column `name` that `field` does not check.

    A form that leaves the checks to its service (no `_post_clean`), or that is built from model
    fields by hand, would otherwise pass a number the column cannot hold: a DataError on
    PostgreSQL. The range is the portable one (PostgreSQL's), also on SQLite, so that what the
    embedded default accepts, production accepts too.
    """
    try:
        column = model._meta.get_field(name)
    except FieldDoesNotExist:
        return []
    if not isinstance(column, models.IntegerField):
        return []
    ranges = BaseDatabaseOperations.integer_field_ranges
    low, high = ranges.get(column.get_internal_type(), (None, None))
    field_min = getattr(field, "min_value", None)
    field_max = getattr(field, "max_value", None)
    validators: list[Any] = []
    if low is not None and (field_min is None or field_min < low):
        validators.append(MinValueValidator(low))
    if high is not None and (field_max is None or field_max > high):
        validators.append(MaxValueValidator(high))
    return validators


# Dates a user may type. Due dates lie up to 32,767 days (a small integer of offset) from the
# dates typed, and Python's dates end at the years 1 and 9999: a year like 9999 would make the
# due-date arithmetic overflow. No election of this century needs more.
DATE_FIRST = date(1900, 1, 1)
DATE_LAST = date(2199, 12, 31)


def date_in_range(value: date) -> None:
    if not DATE_FIRST <= value <= DATE_LAST:
        raise ValidationError(
            _("Enter a date between %(first)s and %(last)s."),
            code="date_range",
            params={"first": DATE_FIRST.isoformat(), "last": DATE_LAST.isoformat()},
        )


def _submitted(data: Any, key: str) -> list[Any]:
    if hasattr(data, "getlist"):
        return list(data.getlist(key))
    value = data.get(key)
    return list(value) if isinstance(value, list | tuple) else [value]


class IdField(forms.IntegerField):
    """An id typed or posted in a form: only what `core.http.id_parse` accepts."""

    def to_python(self, value: Any) -> int | None:
        if value in self.empty_values:
            return None
        number = id_parse(value.strip() if isinstance(value, str) else value)
        if number is None:
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class InputRulesMixin:
    """The input rules every form obeys (see the module's docstring)."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        model = getattr(getattr(self, "_meta", None), "model", None)
        # self.fields is this form's own deep copy of the declared fields: wrapping their methods
        # here changes no other form, and keeps each field's own class (Django's or ours)
        for name, field in self.fields.items():
            if isinstance(field, forms.ModelMultipleChoiceField):
                if _keys_by_id(field):
                    field.clean = _id_checking(field, field.clean)  # type: ignore[method-assign]
            elif isinstance(field, forms.ModelChoiceField):
                if _keys_by_id(field):
                    field.to_python = _id_checking(field, field.to_python)  # type: ignore[method-assign]
            elif isinstance(field, forms.CharField) and not _is_password(field):
                field.to_python = _text_cleaning(field.to_python)  # type: ignore[method-assign,assignment]
            elif isinstance(field, forms.IntegerField) and model is not None:
                field.validators = [*field.validators, *column_range(model, name, field)]
            elif isinstance(field, forms.DateField):
                field.validators = [*field.validators, date_in_range]

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        form: Any = self
        if not form.is_bound or not form._errors:
            return
        # an odd id is not shown back: a widget that looks up its choices by the submitted
        # value (the admin's autocomplete) would send it to the database while rendering
        odd = [
            form.add_prefix(name)
            for name, field in self.fields.items()
            if name in form._errors
            and isinstance(field, forms.ModelChoiceField)
            and _keys_by_id(field)
            and any(
                value not in field.empty_values and id_parse(value) is None
                for value in _submitted(form.data, form.add_prefix(name))
            )
        ]
        if odd:
            data = form.data.copy()
            for key in odd:
                data.pop(key, None)
            form.data = data

    def validate_unique(self) -> None:
        """Check unique fields and constraints, also across the fields the form does not show.

        Django skips a unique constraint as soon as one of its fields is not on the form; the
        instance's value of such a field (set by the view, or the row's own) is the one that will
        be saved, so the constraint is checked with it. Called by ModelForm only.
        """
        form: Any = self
        instance = form.instance
        exclude: set[str] = form._get_validation_exclusions()
        try:
            instance.validate_unique(exclude=exclude)
        except ValidationError as e:
            form._update_errors(e)
        opts = instance._meta
        shown = set(self.fields)
        for constraint in opts.total_unique_constraints:
            names = list(constraint.fields)
            hidden = [n for n in names if n not in shown]
            typed = [n for n in names if n in shown]
            fixed = all(getattr(instance, opts.get_field(n).attname) is not None for n in hidden)
            if not hidden or not typed or not fixed or any(n in exclude for n in typed):
                continue  # Django checked it already, or it cannot be checked yet
            try:
                constraint.validate(type(instance), instance, exclude=exclude - set(hidden))
            except ValidationError:
                form.add_error(typed[-1], self._duplicate_message(instance, hidden, typed[-1]))

    @staticmethod
    def _duplicate_message(instance: models.Model, hidden: list[str], typed: str) -> str:
        opts = instance._meta
        scope = getattr(instance, hidden[0], None)
        return str(
            _("%(scope)s already has a %(model)s with this %(field)s.")
            % {
                "scope": text_truncate(scope),
                "model": opts.verbose_name,
                "field": opts.get_field(typed).verbose_name,  # type: ignore[union-attr]
            }
        )


# Django's empty choice ("---------") reads as a broken page to our users
EMPTY_CHOICE_LABEL = _("Please choose")


def _empty_choice_naming(create_option: Callable[..., Any]) -> Callable[..., Any]:
    def create(name: str, value: Any, label: Any, *args: Any, **kwargs: Any) -> Any:
        if value in ("", None) and label == "---------":
            label = EMPTY_CHOICE_LABEL
        return create_option(name, value, label, *args, **kwargs)

    return create


class StyledFormMixin(InputRulesMixin):
    """Give widgets the CSS toolkit's classes, and mark fields with errors as invalid.

    A select's empty choice reads "Please choose" instead of Django's dashes, also where a form
    sets its choices after this runs (the widget is this form's own copy; it is named at render).
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
                widget.create_option = _empty_choice_naming(widget.create_option)  # type: ignore[method-assign]
            elif isinstance(widget, forms.HiddenInput):
                continue
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def full_clean(self) -> None:
        super().full_clean()
        for name in self.errors:  # type: ignore[attr-defined]
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()
                widget.attrs["aria-invalid"] = "true"
