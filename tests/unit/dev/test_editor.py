"""The editor's guards as pure functions: which requests may reach the API, and the
tags injected into an article page."""

from __future__ import annotations

import pytest

from generator.dev.editor import READ_ONLY, guard, inject_editor, read_json

PORT = 8123
SECRET = "s3cret-value"


def _headers(**given: str) -> dict[str, str]:
    headers = {"host": f"127.0.0.1:{PORT}", "x-marginalia-secret": SECRET}
    headers.update({name.replace("_", "-"): value for name, value in given.items()})
    return headers


def _guarded(headers: dict[str, str], client: str = "127.0.0.1", read_only: bool = False):
    return guard(headers, port=PORT, secret=SECRET, read_only=read_only, client=client)


@pytest.mark.parametrize(
    "headers",
    [
        _headers(),
        _headers(host=f"localhost:{PORT}", origin=f"http://localhost:{PORT}"),
        _headers(host=f"[::1]:{PORT}", sec_fetch_site="same-origin"),
        _headers(host=f"LOCALHOST:{PORT}"),
    ],
)
def test_the_pages_own_requests_pass(headers: dict[str, str]) -> None:
    assert _guarded(headers, client="::1") is None
    assert _guarded(headers) is None


@pytest.mark.parametrize(
    ("headers", "client", "words"),
    [
        (_headers(), "192.168.1.20", "this machine only"),
        (_headers(), "not an address", "this machine only"),
        (_headers(host="127.0.0.1"), "127.0.0.1", "Host"),
        (_headers(host=f"rebind.example:{PORT}"), "127.0.0.1", "Host"),
        (_headers(host=f"0.0.0.0:{PORT}"), "127.0.0.1", "Host"),
        (_headers(origin=f"http://localhost:{PORT}"), "127.0.0.1", "other sites"),
        (_headers(origin=f"https://127.0.0.1:{PORT}"), "127.0.0.1", "other sites"),
        (_headers(sec_fetch_site="same-site"), "127.0.0.1", "other sites"),
        (_headers(x_marginalia_secret=""), "127.0.0.1", "no editor secret"),
        (_headers(x_marginalia_secret=SECRET + "x"), "127.0.0.1", "wrong"),
        (_headers(x_marginalia_secret="é"), "127.0.0.1", "wrong"),
    ],
)
def test_other_requests_are_refused(headers: dict[str, str], client: str, words: str) -> None:
    answer = _guarded(headers, client=client)
    assert answer is not None and answer.status == 403
    assert words in str(answer.body["error"])


def test_read_only_refuses_even_a_right_request() -> None:
    answer = _guarded(_headers(), read_only=True)
    assert answer is not None and answer.body == {"error": READ_ONLY}


def test_a_body_over_the_limit_is_never_read() -> None:
    def read(size: int) -> bytes:
        raise AssertionError("read")

    answer = read_json({"content-type": "application/json", "content-length": "70000"}, read)
    assert not isinstance(answer, dict) and answer.status == 413
    answer = read_json({"content-type": "application/json"}, read)
    assert not isinstance(answer, dict) and answer.status == 411
    answer = read_json({"content-type": "text/plain", "content-length": "2"}, read)
    assert not isinstance(answer, dict) and answer.status == 415


def test_injected_values_are_escaped() -> None:
    page = b"<html><body><p>x</p></body></html>"
    out = inject_editor(page, secret='a"b', article='c"><script>', digest="0" * 64).decode()
    assert 'data-secret="a&quot;b"' in out
    assert 'data-article="c&quot;&gt;&lt;script&gt;"' in out
    assert out.endswith('id="marginalia-editor"></script></body></html>')
