"""Mode resolution: config value, PETSEG_CLEARML, credentials (env or clearml.conf), rank."""

from __future__ import annotations

import pytest

from practicum_work.core.errors import PetsegError
from practicum_work.tracking.mode import configured_server, env_without_server, resolve_mode

CREDENTIALS = {'CLEARML_API_ACCESS_KEY': 'key', 'CLEARML_API_SECRET_KEY': 'secret'}
CONF = """
api {
  api_server: "http://clearml.example:8008"
  web_server: "http://clearml.example:8080"
  credentials { "access_key" = "ABC", "secret_key" = "XYZ" }
}
"""


def _env(home, **values: str) -> dict[str, str]:
    return {'HOME': str(home), **values}


def test_auto_without_server_is_offline_with_one_warning_line(tmp_path):
    decision = resolve_mode('auto', _env(tmp_path))
    assert decision.mode == 'offline'
    assert decision.warning and '\n' not in decision.warning
    assert 'petseg clearml-import' in decision.warning


def test_auto_with_env_credentials_is_online(tmp_path):
    env = _env(tmp_path, CLEARML_API_HOST='http://srv:8008/', **CREDENTIALS)
    decision = resolve_mode('auto', env)
    assert (decision.mode, decision.api_host, decision.warning) == (
        'online',
        'http://srv:8008',
        None,
    )


def test_auth_token_alone_counts_as_configured(tmp_path):
    assert configured_server(_env(tmp_path, CLEARML_AUTH_TOKEN='t')) == 'https://api.clear.ml'


def test_one_credential_half_is_not_a_server(tmp_path):
    assert configured_server(_env(tmp_path, CLEARML_API_ACCESS_KEY='key')) is None


def test_clearml_conf_in_home_with_credentials_is_online(tmp_path):
    (tmp_path / 'clearml.conf').write_text(CONF)
    decision = resolve_mode('auto', _env(tmp_path))
    assert decision.mode == 'online' and decision.api_host == 'http://clearml.example:8008'


def test_clearml_conf_without_credentials_is_offline(tmp_path):
    (tmp_path / 'clearml.conf').write_text(
        'sdk { development { store_uncommitted_code_diff: true } }'
    )
    assert resolve_mode('auto', _env(tmp_path)).mode == 'offline'


def test_clearml_config_file_variable_replaces_the_home_file(tmp_path):
    (tmp_path / 'clearml.conf').write_text(CONF)
    other = tmp_path / 'elsewhere.conf'
    other.write_text('api { }')
    assert resolve_mode('auto', _env(tmp_path, CLEARML_CONFIG_FILE=str(other))).mode == 'offline'
    other.write_text(CONF)
    assert resolve_mode('auto', _env(tmp_path, CLEARML_CONFIG_FILE=str(other))).mode == 'online'


def test_unparsable_clearml_conf_means_offline_not_a_crash(tmp_path):
    (tmp_path / 'clearml.conf').write_text('api { credentials { access_key = ')
    assert resolve_mode('auto', _env(tmp_path)).mode == 'offline'


@pytest.mark.parametrize('value', ['off', 'OFF', ' off '])
def test_env_switch_off(tmp_path, value):
    decision = resolve_mode('auto', _env(tmp_path, PETSEG_CLEARML=value, **CREDENTIALS))
    assert decision.mode == 'off' and decision.warning is None


def test_env_switch_offline_wins_over_configured_server(tmp_path):
    decision = resolve_mode('auto', _env(tmp_path, PETSEG_CLEARML='offline', **CREDENTIALS))
    assert decision.mode == 'offline' and decision.warning is None


def test_config_value_wins_over_env_switch(tmp_path):
    env = _env(tmp_path, PETSEG_CLEARML='off', **CREDENTIALS)
    assert resolve_mode('online', env).mode == 'online'
    assert resolve_mode('offline', _env(tmp_path, PETSEG_CLEARML='online')).mode == 'offline'
    assert resolve_mode(None, env).mode == 'off'  # None = auto = defer to the variable


def test_online_requested_without_server_falls_back_to_offline_with_warning(tmp_path):
    decision = resolve_mode('online', _env(tmp_path))
    assert decision.mode == 'offline'
    assert 'online requested' in decision.warning


def test_clearml_offline_mode_variable_keeps_a_configured_run_offline(tmp_path):
    env = _env(tmp_path, CLEARML_OFFLINE_MODE='1', **CREDENTIALS)
    assert resolve_mode('auto', env).mode == 'offline'


def test_only_rank_zero_reports(tmp_path):
    env = _env(tmp_path, **CREDENTIALS)
    assert resolve_mode('online', env, rank=1).mode == 'off'
    assert resolve_mode('offline', env, rank=3).mode == 'off'
    assert resolve_mode('online', env, rank=0).mode == 'online'


@pytest.mark.parametrize('requested', ['auto', 'offline', 'off'])
def test_a_clearml_agent_run_reports_to_the_agents_task(tmp_path, requested):
    """A clone recorded offline (clearml.mode=offline in its Args) still reports online."""
    env = _env(tmp_path, CLEARML_TASK_ID='abc123', PETSEG_CLEARML='off')
    decision = resolve_mode(requested, env)
    assert decision.mode == 'online' and 'ClearML Agent (task abc123)' in decision.reason
    assert resolve_mode(requested, env, rank=1).mode == 'off'


def test_invalid_values_are_one_line_errors_naming_the_source(tmp_path):
    with pytest.raises(PetsegError, match=r"clearml.mode='sometimes'"):
        resolve_mode('sometimes', _env(tmp_path))
    with pytest.raises(PetsegError, match=r"PETSEG_CLEARML='yes please'"):
        resolve_mode('auto', _env(tmp_path, PETSEG_CLEARML='yes please'))


def test_env_without_server_drops_only_server_variables():
    env = {'CLEARML_API_HOST': 'http://srv', 'TRAINS_API_ACCESS_KEY': 'k', 'HOME': '/h', 'X': '1'}
    assert env_without_server(env) == {'HOME': '/h', 'X': '1'}
    assert 'CLEARML_API_HOST' in env  # the input is left alone
