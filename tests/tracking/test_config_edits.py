"""Web-UI edits of a recorded run (config object, petseg values) as config overrides."""

from __future__ import annotations

import copy

import pytest
from mmengine.config import Config

from practicum_work.core.errors import PetsegError
from practicum_work.tracking.config_edits import (
    EDITABLE,
    combined_overrides,
    config_overrides,
    hyperparameter_overrides,
)
from practicum_work.tracking.run_summary import hyperparameters
from tests.conftest import REPO_ROOT


@pytest.fixture(scope='module')
def recorded() -> Config:
    """hyp2 as a Runner gets it (the text petseg records), read back from that text."""
    cfg = Config.fromfile(str(REPO_ROOT / 'configs' / 'hyp2_segformer_b0_wce.py'))
    cfg.merge_from_dict({'train_cfg.max_iters': 20, 'work_dir': 'work_dirs/hyp2'})
    return Config.fromstring(cfg.pretty_text, '.py')


def _edited(recorded: Config, **changes) -> Config:
    edited = copy.deepcopy(recorded)
    edited.merge_from_dict(changes)
    return edited


def _text_values(cfg: Config) -> dict[str, str]:
    """The petseg section as a clone holds it: text."""
    return {k: str(v) for k, v in hyperparameters(cfg).items()}


def test_an_unedited_record_gives_no_override(recorded):
    text = recorded.pretty_text
    assert config_overrides(text, text) == {}
    assert config_overrides(text, Config.fromstring(text, '.py').pretty_text) == {}
    assert hyperparameter_overrides(recorded, _text_values(recorded)) == {}


def test_config_object_edits_are_dotted_keys_down_to_list_items(recorded):
    edited = _edited(
        recorded,
        **{
            'optim_wrapper.optimizer.lr': 0.0002,
            'train_dataloader.dataset.pipeline.4.crop_size': (128, 128),
            'model.decode_head.loss_decode.class_weight': [0.1, 1.0, 1.0],
            'param_scheduler': [dict(type='PolyLR', eta_min=0.0, power=0.9, begin=0, end=20)],
            'model.test_cfg.min_component_area': 64,
        },
    )
    overrides = config_overrides(recorded.pretty_text, edited.pretty_text)
    assert overrides.pop('param_scheduler')[0]['type'] == 'PolyLR'  # a shorter list: whole
    assert overrides == {
        'optim_wrapper.optimizer.lr': 0.0002,
        'train_dataloader.dataset.pipeline.4.crop_size': (128, 128),
        'model.decode_head.loss_decode.class_weight': [0.1, 1.0, 1.0],
        'model.test_cfg.min_component_area': 64,
    }


def test_a_dict_that_lost_keys_is_replaced_whole(recorded):
    edited = copy.deepcopy(recorded)
    edited.optim_wrapper.optimizer = dict(type='SGD', lr=0.01, momentum=0.9)
    overrides = config_overrides(recorded.pretty_text, edited.pretty_text)
    assert overrides == {
        'optim_wrapper.optimizer': {'_delete_': True, 'type': 'SGD', 'lr': 0.01, 'momentum': 0.9}
    }
    merged = copy.deepcopy(recorded)
    merged.merge_from_dict(overrides)
    assert merged.optim_wrapper.optimizer.to_dict() == {'type': 'SGD', 'lr': 0.01, 'momentum': 0.9}


def test_a_removed_top_level_key_or_broken_text_is_one_line(recorded):
    text = recorded.pretty_text
    without = copy.deepcopy(recorded)
    without.pop('tta_model')
    with pytest.raises(PetsegError, match=r"'config': tta_model removed; .*set it to None"):
        config_overrides(text, without.pretty_text)
    with pytest.raises(PetsegError, match=r"'config': not a valid MMEngine config \(SyntaxError"):
        config_overrides(text, text + '\nmodel = dict(type=\n')


def test_editable_petseg_values_become_their_config_keys(recorded):
    values = _text_values(recorded)
    values.update(
        {
            'optimizer.lr': '1e-4',
            'schedule.max_iters': '400',
            'data.batch_size': '4',
            'data.root': '/data/pets_full',
            'seed': '7',
            'git_commit': 'something else',  # who ran it, not what ran
        }
    )
    assert hyperparameter_overrides(recorded, values) == {
        'optim_wrapper.optimizer.lr': 1e-4,
        'train_cfg.max_iters': 400,
        'train_dataloader.batch_size': 4,
        'data_root': '/data/pets_full',
        'randomness.seed': 7,
    }
    assert set(EDITABLE.values()) >= {'optim_wrapper.optimizer.lr', 'train_cfg.max_iters'}


def test_an_edited_display_only_value_says_where_to_edit(recorded):
    values = _text_values(recorded)
    values['loss.decode'] = 'SoftmaxDiceLoss x1.0'
    values['epochs'] = '3'
    with pytest.raises(PetsegError) as caught:
        hyperparameter_overrides(recorded, values)
    message = str(caught.value)
    assert 'petseg/epochs: not petseg hyperparameters' in message
    assert 'petseg/loss.decode only describe the config; edit the configuration object' in message
    assert 'optimizer.lr' in message  # what may be edited here


def test_combined_edits_refuse_keys_the_command_line_sets_and_double_edits():
    assert combined_overrides(('a', {'x.y': 1}), ('b', {'x.y': 1, 'z': 2})) == {'x.y': 1, 'z': 2}
    with pytest.raises(PetsegError, match=r'x\.y is edited twice: 1 in a, 2 in b; keep one'):
        combined_overrides(('a', {'x.y': 1}), ('b', {'x.y': 2}))
    with pytest.raises(PetsegError, match=r'a changes work_dir, .*edit Args/work_dir instead'):
        combined_overrides(('a', {'work_dir': '/elsewhere'}))
    with pytest.raises(PetsegError, match=r'edit Args/checkpoint instead'):
        owned = {'load_from': 'Args/checkpoint'}
        combined_overrides(('a', {'load_from': 'x.pth'}), argument_keys=owned)
