"""Gateway settings: file < environment < flags, and bad values name their source."""

from __future__ import annotations

from pathlib import Path

import pytest

from rtm.gateway.config import ConfigError, GatewayConfig, load_config


def test_defaults_are_valid_and_node_ids_are_unique() -> None:
    a, b = load_config(env={}), load_config(env={})
    assert (a.host, a.port, a.backend, a.rates) == ("127.0.0.1", 9000, "memory", "linux")
    assert a.node_id != b.node_id and ":" not in a.node_id


def test_precedence_flags_over_environment_over_file(tmp_path: Path) -> None:
    file = tmp_path / "gw.toml"
    file.write_text(
        'port = 7000\nhost = "0.0.0.0"\nping_interval = 3\n'
        '[app_certificates]\n"0123456789abcdef0123456789abcdef" = "cert"\n'
    )
    env = {"SIG2RTM_PORT": "8000", "SIG2RTM_LOG_JSON": "false", "SIG2RTM_NODE_ID": "envnode"}
    config = load_config(flags={"port": 9001, "host": None}, env=env, file=file)
    assert config.port == 9001  # flag
    assert config.host == "0.0.0.0"  # file (flag not given)
    assert config.log_json is False and config.node_id == "envnode"  # environment
    assert config.ping_interval == 3.0  # int in TOML is fine for a float setting
    assert dict(config.app_certificates) == {"0123456789abcdef0123456789abcdef": "cert"}


def test_certificates_from_the_environment() -> None:
    config = load_config(env={"SIG2RTM_APP_CERTIFICATES": "a:x, b:y"})
    assert dict(config.app_certificates) == {"a": "x", "b": "y"}


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"env": {"SIG2RTM_PORT": "ninety"}}, "environment SIG2RTM_PORT: port"),
        ({"flags": {"ping_timeout": "soon"}}, "flag --ping-timeout"),
        ({"env": {"SIG2RTM_APP_CERTIFICATES": "nocolon"}}, "APPID:CERTIFICATE"),
        ({"flags": {"backend": "postgres://x"}}, "memory or redis://"),
        ({"flags": {"rates": "fast"}}, "rates 'fast'"),
        ({"flags": {"node_id": "a:b"}}, "no ':'"),
        ({"flags": {"port": 70000}}, "out of range"),
        ({"env": {"SIG2RTM_LOG_JSON": "maybe"}}, "not a boolean"),
    ],
)
def test_bad_values_name_their_source(kwargs: dict[str, object], message: str) -> None:
    kwargs.setdefault("env", {})
    with pytest.raises(ConfigError, match=message):
        load_config(**kwargs)  # type: ignore[arg-type]


def test_file_errors(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text("port = [")
    with pytest.raises(ConfigError, match="config file"):
        load_config(env={}, file=bad)
    unknown = tmp_path / "unknown.toml"
    unknown.write_text("colour = 'blue'")
    with pytest.raises(ConfigError, match="unknown setting 'colour'"):
        load_config(env={}, file=unknown)
    typed = tmp_path / "typed.toml"
    typed.write_text("port = '80'")
    assert load_config(env={}, file=typed).port == 80
    wrong = tmp_path / "wrong.toml"
    wrong.write_text("port = 1.5")
    with pytest.raises(ConfigError, match="expected int"):
        load_config(env={}, file=wrong)
    with pytest.raises(ConfigError, match="No such file"):
        load_config(env={}, file=tmp_path / "missing.toml")


def test_frame_limit_must_fit_the_message_limit() -> None:
    with pytest.raises(ConfigError, match="max_frame_bytes"):
        GatewayConfig(max_frame_bytes=2, max_message_bytes=1)


def test_the_legacy_port_is_off_by_default_and_checked() -> None:
    assert load_config(env={}).legacy_port == -1
    assert load_config(env={"SIG2RTM_LEGACY_PORT": "0"}).legacy_port == 0
    with pytest.raises(ConfigError, match="legacy_port"):
        load_config(flags={"legacy_port": -2}, env={})


def test_the_business_server_settings_from_each_source(tmp_path: Path) -> None:
    assert (load_config(env={}).http_port, dict(load_config(env={}).server_api_key)) == (-1, {})
    file = tmp_path / "gw.toml"
    file.write_text('http_port = 8080\nwebhook_timeout = 2\n[server_api_key]\n"app1" = "k1"\n')
    from_file = load_config(env={}, file=file)
    assert (from_file.http_port, from_file.webhook_timeout) == (8080, 2.0)
    assert dict(from_file.server_api_key) == {"app1": "k1"}
    from_env = load_config(env={"SIG2RTM_SERVER_API_KEY": "a:x,b:y"}, file=file)
    assert dict(from_env.server_api_key) == {"a": "x", "b": "y"}
    from_flag = load_config(flags={"server_api_key": "c:z", "http_port": 0}, env={})
    assert (dict(from_flag.server_api_key), from_flag.http_port) == ({"c": "z"}, 0)
    with pytest.raises(ConfigError, match="APPID:KEY"):
        load_config(flags={"server_api_key": "nocolon"}, env={})
    with pytest.raises(ConfigError, match="http_port"):
        load_config(flags={"http_port": -2}, env={})
    with pytest.raises(ConfigError, match="webhook_timeout"):
        load_config(flags={"webhook_timeout": 0.0}, env={})
