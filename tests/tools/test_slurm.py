"""tools/slurm_train.sh and slurm_test.sh on a real single-node Slurm cluster (CPU, 2 tasks).

Debian's slurm-wlm and munge (``bash .ci/install_slurm.sh``; ``make test`` runs it): a private
munged, slurmctld and slurmd on localhost with their own ports, socket, state and logs in a temp
folder, a partition ``debug`` of this machine's CPUs, no GPUs. Every daemon the fixture starts
is stopped after the module's tests, whatever they did. A 2-task run trains hyp1 for a few
iterations (Gloo), then a 2-task test evaluates its checkpoint on the val split; both checked
as tests/test_distributed.py checks torchrun's runs: one ClearML task per run, checkpoints,
metrics and sample panels written once, every val image evaluated once (the test's metrics
equal the training run's validation of the same weights).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import HYP1, REPO_ROOT, quick_cfg_options
from tests.test_distributed import _log_dirs, _panels, fresh_shell_env

pytestmark = pytest.mark.slow

SLURM_HINT = (
    "the Slurm test runs Debian's Slurm and MUNGE: sudo apt-get install slurm-wlm munge "
    '(bash .ci/install_slurm.sh; `make test` installs them when missing)'
)
BINARIES = ('munged', 'slurmctld', 'slurmd', 'srun', 'sinfo', 'scontrol', 'scancel', 'squeue')
START_TIMEOUT_S = 60


@dataclass(frozen=True)
class SlurmCluster:
    """A running single-node cluster: ``env`` points Slurm's commands at it."""

    root: Path
    env: dict[str, str]
    partition: str = 'debug'

    def log_tail(self, chars: int = 3000) -> str:
        """The end of the daemons' logs, for failure messages."""
        parts = []
        for path in sorted((self.root / 'log').glob('*')):
            parts.append(f'--- {path.name}\n{path.read_text(errors="replace")[-chars:]}')
        return '\n'.join(parts)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(('127.0.0.1', 0))
        return sock.getsockname()[1]


def _node_line(env: dict[str, str]) -> str:
    """This machine as a Slurm node named localhost (CPUs, sockets, memory as slurmd sees them)."""
    out = subprocess.run(
        ['slurmd', '-C'], env=env, capture_output=True, text=True, check=True
    ).stdout
    first = out.splitlines()[0].split()
    hardware = [field for field in first if not field.startswith('NodeName=')]
    return ' '.join(['NodeName=localhost', 'NodeAddr=127.0.0.1', *hardware, 'State=UNKNOWN'])


def _slurm_conf(root: Path, socket_path: Path, env: dict[str, str]) -> str:
    return '\n'.join(
        [
            'ClusterName=petsegtest',
            'SlurmctldHost=localhost',
            'SlurmUser=root',
            'SlurmdUser=root',
            'AuthType=auth/munge',
            'CredType=cred/munge',
            f'AuthInfo=socket={socket_path}',
            f'SlurmctldPort={_free_port()}',
            f'SlurmdPort={_free_port()}',
            f'StateSaveLocation={root / "state"}',
            f'SlurmdSpoolDir={root / "spool"}',
            f'SlurmctldPidFile={root / "slurmctld.pid"}',
            f'SlurmdPidFile={root / "slurmd.pid"}',
            f'SlurmctldLogFile={root / "log" / "slurmctld.log"}',
            f'SlurmdLogFile={root / "log" / "slurmd.log"}',
            'MailProg=/bin/true',
            'ProctrackType=proctrack/pgid',
            'TaskPlugin=task/none',
            'JobAcctGatherType=jobacct_gather/none',
            'AccountingStorageType=accounting_storage/none',
            'MpiDefault=none',
            'SchedulerType=sched/builtin',
            'SelectType=select/cons_tres',
            'SelectTypeParameters=CR_Core',
            'ReturnToService=2',
            _node_line(env),
            'PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP',
            '',
        ]
    )


def _start_munge(root: Path, env: dict[str, str]) -> tuple[Path, Path]:
    """A private munged (own key, socket, pid file); returns (socket, pid file)."""
    key_dir, run_dir = root / 'munge_key', root / 'munge_run'
    key_dir.mkdir(mode=0o700)
    run_dir.mkdir(mode=0o755)
    key = key_dir / 'munge.key'
    key.write_bytes(os.urandom(1024))
    key.chmod(0o600)
    sock, pid_file = run_dir / 'munge.socket', run_dir / 'munged.pid'
    subprocess.run(
        [
            'munged',
            '--force',  # runs as root in CI
            f'--key-file={key}',
            f'--socket={sock}',
            f'--pid-file={pid_file}',
            f'--seed-file={run_dir / "munged.seed"}',
            f'--log-file={root / "log" / "munged.log"}',
        ],
        env=env,
        check=True,
        capture_output=True,
        timeout=30,
    )
    return sock, pid_file


def _wait_idle(env: dict[str, str]) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    state = ''
    while time.monotonic() < deadline:
        result = subprocess.run(
            ['sinfo', '-h', '-p', 'debug', '-o', '%t'], env=env, capture_output=True, text=True
        )
        state = result.stdout.strip()
        if state == 'idle':
            return
        time.sleep(0.5)
    raise TimeoutError(f'the Slurm node is {state!r} after {START_TIMEOUT_S} s, not idle')


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def _stop_munged(pid_file: Path) -> None:
    if not pid_file.exists():
        return
    with contextlib.suppress(ProcessLookupError, ValueError):
        os.kill(int(pid_file.read_text().strip()), signal.SIGTERM)


def _cancel_jobs(env: dict[str, str]) -> None:
    """Cancel whatever still runs (a test that failed or timed out) and wait until it is gone."""
    subprocess.run(['scancel', '--partition=debug'], env=env, capture_output=True, timeout=30)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        queue = subprocess.run(['squeue', '-h'], env=env, capture_output=True, text=True)
        if queue.returncode != 0 or not queue.stdout.strip():
            return
        time.sleep(0.5)


@pytest.fixture(scope='module')
def slurm_cluster(tmp_path_factory) -> Iterator[SlurmCluster]:
    """munged + slurmctld + slurmd on localhost, partition ``debug``; all stopped afterwards."""
    # the daemons live in /usr/sbin, which a non-login shell's PATH may lack
    path = os.pathsep.join([os.environ.get('PATH', ''), '/usr/sbin', '/sbin'])
    missing = [name for name in BINARIES if shutil.which(name, path=path) is None]
    if missing:
        pytest.fail(f'{", ".join(missing)} not on PATH: {SLURM_HINT}')
    root = tmp_path_factory.mktemp('slurm')
    for name in ('state', 'spool', 'log'):
        (root / name).mkdir()
    conf = root / 'slurm.conf'
    env = dict(os.environ, PATH=path, SLURM_CONF=str(conf))
    munge_pid = root / 'munge_run' / 'munged.pid'
    daemons: list[subprocess.Popen] = []
    outputs = []
    cluster = SlurmCluster(root, env)
    try:
        sock, munge_pid = _start_munge(root, env)
        conf.write_text(_slurm_conf(root, sock, env))
        for argv in (['slurmctld', '-D', '-i'], ['slurmd', '-D', '-N', 'localhost']):
            outputs.append((root / 'log' / f'{argv[0]}.out').open('w'))
            daemons.append(
                subprocess.Popen(argv, env=env, stdout=outputs[-1], stderr=subprocess.STDOUT)
            )
        try:
            _wait_idle(env)
        except TimeoutError as error:
            pytest.fail(f'{error}\n{cluster.log_tail()}')
        yield cluster
    finally:
        _cancel_jobs(env)
        for process in reversed(daemons):
            _stop(process)
        _stop_munged(munge_pid)
        for output in outputs:
            output.close()


def test_the_cluster_runs_two_tasks(slurm_cluster):
    """``srun -N1 -n2`` through the cluster: two tasks, ranks 0 and 1, on this node."""
    result = subprocess.run(
        ['srun', '-p', 'debug', '-N1', '-n2', 'bash', '-c', 'echo $SLURM_PROCID/$SLURM_NTASKS'],
        env=slurm_cluster.env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr + slurm_cluster.log_tail()
    assert sorted(result.stdout.split()) == ['0/2', '1/2']


ITERS = 2
TASKS = 2
VAL_IMAGES = 5  # odd: MMEngine's sampler pads the second task's shard with the first image


def _submit(cluster: SlurmCluster, script: str, home: Path, cwd: Path, *args: str) -> str:
    """``bash tools/<script> debug JOB ...`` from a shell without the venv, in ``cwd``, with
    TASKS CPU tasks (no --gres) and ClearML offline (HOME at ``home``); must succeed."""
    env = fresh_shell_env(home)
    env.update(
        SLURM_CONF=cluster.env['SLURM_CONF'],
        GRES='',
        GPUS=str(TASKS),
        GPUS_PER_NODE=str(TASKS),
        CPUS_PER_TASK='1',
        MASTER_PORT=str(_free_port()),
    )
    cwd.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        ['bash', str(REPO_ROOT / 'tools' / script), cluster.partition, 'petseg-ci', *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-6000:] + cluster.log_tail()
    assert 'Traceback' not in output
    assert not (cwd / '.dist_test').exists()  # gathered through the process group
    return output


def _sessions(home: Path) -> list[Path]:
    """The offline ClearML sessions (one per task) stored under ``home``."""
    return sorted((home / '.clearml' / 'cache' / 'offline').glob('*.zip'))


@pytest.fixture(scope='module')
def slurm_runs(slurm_cluster, tmp_path_factory) -> dict:
    """hyp1 trained by slurm_train.sh (2 tasks, ITERS iterations), its checkpoint tested on
    the val split by slurm_test.sh (2 tasks); each run with its own HOME (ClearML cache)."""
    from practicum_work.data.demo_data import generate_demo_dataset

    root = tmp_path_factory.mktemp('slurm_runs')
    data = root / 'pets'
    generate_demo_dataset(
        data, seed=0, n_train=8, n_val=VAL_IMAGES, n_test=2, size=64, workers=1,
        show_progress=False,
    )  # fmt: skip
    config, options = str(REPO_ROOT / HYP1), quick_cfg_options(data, ITERS)
    train, test = root / 'train', root / 'test'
    train_log = _submit(
        slurm_cluster, 'slurm_train.sh', root / 'home_train', root / 'cwd_train',
        config, '--work-dir', str(train), *options,
    )  # fmt: skip
    test_log = _submit(
        slurm_cluster, 'slurm_test.sh', root / 'home_test', root / 'cwd_test',
        config, str(train / f'iter_{ITERS}.pth'), '--work-dir', str(test), '--split', 'val',
        *options,
    )  # fmt: skip
    return dict(root=root, data=data, train=train, test=test, train_log=train_log,
                test_log=test_log)  # fmt: skip


def test_training_writes_each_output_once(slurm_runs):
    train = slurm_runs['train']
    assert len(_log_dirs(train)) == 1  # one run, one timestamp
    files = {p.name for p in train.iterdir() if p.is_file()}
    assert files == {
        'hyp1_segformer_b0.py', f'iter_{ITERS}.pth', f'best_mDice_iter_{ITERS}.pth',
        'last_checkpoint', f'metrics_val_iter_{ITERS}.json',
    }  # fmt: skip
    assert (train / 'last_checkpoint').read_text().strip().endswith(f'iter_{ITERS}.pth')
    record = json.loads((train / f'metrics_val_iter_{ITERS}.json').read_text())
    assert (record['split'], record['iteration']) == ('val', ITERS)
    assert record['data']['images'] == VAL_IMAGES  # every val image, not one task's shard


def test_one_clearml_task_per_run(slurm_runs):
    for run in ('train', 'test'):
        assert len(_sessions(slurm_runs['root'] / f'home_{run}')) == 1, run
        assert slurm_runs[f'{run}_log'].count('ClearML offline: project') == 1, run
    (log_dir,) = _log_dirs(slurm_runs['train'])
    assert len(list(log_dir.glob('clearml_offline-*.zip'))) == 1


def test_sample_panels_show_the_images_one_process_shows(slurm_runs):
    from practicum_work.mmseg_ext.hooks.sample_predictions_hook import evenly_spaced

    chosen = evenly_spaced(4, VAL_IMAGES)
    assert any(index % TASKS == 1 for index in chosen)  # some live on task 1's shard
    stems = sorted(p.stem for p in (slurm_runs['data'] / 'img' / 'val').iterdir())
    assert _panels(slurm_runs['train']) == sorted(
        f'val_sample_{stems[i]}_{ITERS}.png' for i in chosen
    )


def test_testing_evaluates_every_val_image_once_as_validation_did(slurm_runs):
    """slurm_test.sh (2 tasks) on the val split: each image once, the validation's metrics."""
    test = slurm_runs['test']
    tag = f'val_iter_{ITERS}'
    assert {p.name for p in test.glob('*.json')} == {f'metrics_{tag}.json', f'per_image_{tag}.json'}
    stems = sorted(p.stem for p in (slurm_runs['data'] / 'img' / 'val').iterdir())
    per_image = json.loads((test / f'per_image_{tag}.json').read_text())
    assert per_image['images'] == [f'val/{stem}' for stem in stems]
    tested = json.loads((test / f'metrics_{tag}.json').read_text())
    validated = json.loads((slurm_runs['train'] / f'metrics_{tag}.json').read_text())
    assert tested['data']['images'] == VAL_IMAGES
    for key in ('summary', 'per_class'):
        assert tested[key] == validated[key], key
