"""The community select shared by the forms that name one community."""

import re
from typing import Any

from django import forms

from communities.forms import CommunityChoiceField
from communities.models import Community, Street
from tests.factories import CommunityFactory, StreetFactory


class _Pick(forms.Form):
    community = CommunityChoiceField(queryset=Community.objects.none(), empty_label="选择")

    def __init__(self, *args: Any, communities: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = communities


def _groups(html: str) -> list[tuple[str, list[str]]]:
    return [
        (label, re.findall(r">([^<]+)</option>", body))
        for label, body in re.findall(r'<optgroup label="([^"]+)">(.*?)</optgroup>', html, re.S)
    ]


def test_communities_are_grouped_by_street_and_same_names_told_apart(
    community: Community, other_community: Community, street: Street, django_assert_num_queries: Any
) -> None:
    twin = CommunityFactory(street=other_community.street, name=community.name)
    form = _Pick(communities=Community.objects.all())
    with django_assert_num_queries(1):
        html = str(form["community"])
    assert _groups(html) == [
        ("First Street", ["Riverside"]),
        ("Second Street", ["Hillside", "Riverside"]),
    ]
    assert f'value="{twin.pk}"' in html
    assert html.index(">选择<") < html.index("<optgroup")


def test_districts_are_named_when_the_choices_span_several(
    community: Community, django_assert_num_queries: Any
) -> None:
    far = CommunityFactory(street=StreetFactory(name="Far Street"), name="Lakeside")
    html = str(_Pick(communities=Community.objects.all())["community"])
    labels = [label for label, _ in _groups(html)]
    assert f"{far.street.district.name} · Far Street" in labels
    assert f"{community.street.district.name} · First Street" in labels


def test_only_a_community_of_the_queryset_is_accepted(
    community: Community, other_community: Community
) -> None:
    mine = Community.objects.filter(pk=community.pk)
    assert _Pick({"community": community.pk}, communities=mine).is_valid()
    form = _Pick({"community": other_community.pk}, communities=mine)
    assert not form.is_valid()
    assert "community" in form.errors
