"""Counted URL lengths (no URL built) against the URLs httpx really builds, and
``add_contacts`` checking batches by them: exact at the limit, and still
normalising numbers that do not come from ``contact_batches``."""

from __future__ import annotations

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.gateway.scripted import ScriptedServer, Step, scripted, scripted_server, xml
from tui.gateway import CsmsClient
from tui.gateway.batching import (
    encoded_length,
    url_length,
    url_length_with,
    with_session_reserve,
)
from tui.gateway.codes import ADD_CONTACTS
from tui.gateway.errors import InvalidInput, InvalidNumbers

__all__ = ["scripted", "scripted_server"]  # fixtures

BASE = "https://telenorcsms.com.pk:27677"
PATH = ADD_CONTACTS.path

gateway_numbers = st.lists(st.from_regex(r"923[0-9]{9}", fullmatch=True), max_size=40)
digits_and_commas = st.text(alphabet="0123456789,", max_size=200)
anything = st.text(max_size=60)


def httpx_length(value: str) -> int:
    return len(str(httpx.QueryParams({"k": value}))) - 2


@settings(max_examples=300, deadline=None)
@given(st.one_of(gateway_numbers.map(",".join), digits_and_commas, anything))
def test_counted_value_length_is_what_httpx_encodes(value: str) -> None:
    assert encoded_length(value) == httpx_length(value)


@settings(max_examples=200, deadline=None)
@given(
    st.one_of(gateway_numbers.map(",".join), digits_and_commas, anything),
    st.sampled_from(["L1", "12345", "list 7&x=%"]),
    st.sampled_from([None, "S" * 20, "S" * 300]),
    st.booleans(),
)
def test_counted_url_length_is_the_built_urls(
    value: str, list_id: str, session_id: str | None, json: bool
) -> None:
    params = {"list_id": list_id, **({"response_type": "json"} if json else {})}
    params = with_session_reserve(params, session_id)
    built = url_length(BASE, PATH, {**params, "to": value})
    assert url_length_with(BASE, PATH, params, "to", value) == built
    assert built == len(str(httpx.URL(BASE + PATH, params={**params, "to": value})))


def client(server: ScriptedServer, url_limit: int) -> CsmsClient:
    return CsmsClient(server.base_url, "923001234567", "secret", timeout=2.0, url_limit=url_limit)


def batch(count: int) -> list[str]:
    return [f"923{100000000 + i:09d}" for i in range(count)]


async def test_add_contacts_limit_is_exact(scripted: ScriptedServer) -> None:
    scripted.always("addcontacts.jsp", Step(xml("add_to_LIST", "L1")))
    numbers = batch(25)
    params = with_session_reserve({"list_id": "L1"}, None)
    exact = url_length(scripted.base_url, PATH, {**params, "to": ",".join(numbers)})
    async with client(scripted, url_limit=exact - 1) as over:
        with pytest.raises(InvalidInput, match=f"{exact}-character request"):
            await over.add_contacts("L1", numbers)
    assert scripted.pages("addcontacts.jsp") == []
    async with client(scripted, url_limit=exact) as fits:
        assert fits.contact_batches("L1", numbers) == [numbers]
        assert await fits.add_contacts("L1", numbers) == "L1"
    [sent] = scripted.pages("addcontacts.jsp")
    assert sent.query["to"] == ",".join(numbers)


async def test_add_contacts_still_normalises_other_input(scripted: ScriptedServer) -> None:
    scripted.always("addcontacts.jsp", Step(xml("add_to_LIST", "L1")))
    async with client(scripted, url_limit=4000) as c:
        await c.add_contacts("L1", ["0300 1234567", "923001234567", "+92 321 1234567"])
        await c.add_contacts("L1", ["923001234567", "923001234567"])
        with pytest.raises(InvalidNumbers):
            await c.add_contacts("L1", ["923001234567", "12345"])
        with pytest.raises(InvalidInput, match="No recipients"):
            await c.add_contacts("L1", [])
    first, second = scripted.pages("addcontacts.jsp")
    assert first.query["to"] == "923001234567,923211234567"
    assert second.query["to"] == "923001234567"
