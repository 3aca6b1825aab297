"""The Elasticsearch client the engine builds from the settings (no server is reached)."""

from __future__ import annotations

import base64

import certifi
import pytest

from search.engines import get_engine, reset_engines
from search.engines.elasticsearch import ElasticsearchEngine


@pytest.fixture(autouse=True)
def _es_settings(settings):
    settings.ELASTICSEARCH_API_KEY = ""
    settings.ELASTICSEARCH_USERNAME = ""
    settings.ELASTICSEARCH_PASSWORD = ""
    settings.ELASTICSEARCH_CA_CERTS = ""
    reset_engines()
    yield
    reset_engines()


def client_for(url: str):
    return ElasticsearchEngine(url=url, timeout=2.0).client


def nodes(client) -> list:
    return sorted(client.transport.node_pool.all(), key=lambda node: node.config.host)


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


def test_several_comma_separated_urls_make_several_nodes():
    client = client_for("https://es1.internal:9200, https://es2.internal:9200,")
    found = nodes(client)
    assert [(n.config.scheme, n.config.host, n.config.port) for n in found] == [
        ("https", "es1.internal", 9200),
        ("https", "es2.internal", 9200),
    ]
    assert "authorization" not in client._headers


def test_credentials_in_the_url_become_basic_auth_for_that_node():
    (node,) = nodes(client_for("https://search:s3cret%21@es.internal:9200"))
    assert node.config.headers["authorization"] == basic("search", "s3cret!")


def test_api_key_from_the_settings(settings):
    settings.ELASTICSEARCH_API_KEY = "aWQ6a2V5"
    settings.ELASTICSEARCH_USERNAME = "ignored"  # the key wins
    client = client_for("https://es.internal:9200")
    assert client._headers["authorization"] == "ApiKey aWQ6a2V5"


def test_user_name_and_password_from_the_settings(settings):
    settings.ELASTICSEARCH_USERNAME = "search"
    settings.ELASTICSEARCH_PASSWORD = "pw"
    client = client_for("https://es1.internal:9200,https://es2.internal:9200")
    assert client._headers["authorization"] == basic("search", "pw")


def test_a_ca_bundle_is_used_to_verify_every_node(settings):
    settings.ELASTICSEARCH_CA_CERTS = certifi.where()
    for node in nodes(client_for("https://es1.internal:9200,https://es2.internal:9200")):
        assert node.config.ca_certs == certifi.where()
        assert node.config.verify_certs is True


def test_timeouts_and_retries_stay_short_for_the_fallback():
    client = client_for("http://es1.internal:9200,http://es2.internal:9200")
    # Per-request options the client sends with every call (elasticsearch-py 8).
    assert client._retry_on_timeout is False
    assert client._max_retries == 1
    assert client._request_timeout == 2.0


def test_get_engine_reads_the_settings_and_shares_one_client(settings):
    settings.ELASTICSEARCH_URL = "https://es1.internal:9200,https://es2.internal:9200"
    settings.ELASTICSEARCH_API_KEY = "aWQ6a2V5"
    engine = get_engine()
    primary = engine.primary
    assert len(nodes(primary.client)) == 2
    assert primary.client._headers["authorization"] == "ApiKey aWQ6a2V5"
    # Another engine for the same configuration reuses the connection pool.
    assert ElasticsearchEngine().client is primary.client
