"""Instances validate the model; loaders name the file/line/job of every problem."""
import json

import numpy as np
import pytest

from kvsched import InputFormatError, Instance, InvalidInstanceError, load_instance
from kvsched.loaders import load_azure_trace


def test_valid_instance_and_area():
    inst = Instance(s=[2, 0], o=[3, 1], M=5)
    assert inst.n == 2
    assert inst.area.tolist() == [2 * 3 + 6, 0 + 1]
    assert inst.large_memory_ratio == 1.0
    with pytest.raises(ValueError):
        inst.s[0] = 7   # read-only


@pytest.mark.parametrize("kwargs, needle, job", [
    (dict(s=[1, 4], o=[2, 3], M=6), "job 1: s + o = 4 + 3 = 7 exceeds memory M = 6", 1),
    (dict(s=[-1], o=[2], M=6), "job 0: prompt size s = -1 is negative", 0),
    (dict(s=[0, 0], o=[1, 0], M=6), "job 1: output length o = 0", 1),
    (dict(s=[0, 1.5], o=[1, 1], M=6), "job 1: s = 1.5 is not an integer", 1),
    (dict(s=[], o=[], M=6), "empty instance", None),
    (dict(s=[0], o=[1], M=2.5), "M = 2.5 is not an integer", None),
])
def test_invalid_instances_name_the_job(kwargs, needle, job):
    with pytest.raises(InvalidInstanceError) as e:
        Instance(**kwargs)
    assert needle in str(e.value)
    assert e.value.job == job


def test_json_roundtrip(tmp_path):
    inst = Instance(s=[3, 0, 2], o=[5, 1, 4], M=20)
    p = tmp_path / "i.json"
    p.write_text(json.dumps(inst.to_dict()))
    assert load_instance(p) == inst
    assert load_instance(p, memory=30).M == 30
    assert load_instance(p, limit=2).n == 2


@pytest.mark.parametrize("text, needle", [
    ('{"M": 20, "jobs": [{"s": 3, "o": 5}', ":1: malformed JSON"),
    ('{"M": 20, "jobs": [{"s": 3, "o": 5, "x": 1}]}', "job 0: keys must be exactly"),
    ('{"jobs": [{"s": 3, "o": 5}]}', "missing key 'M'"),
    ('{"M": 6, "jobs": [{"s": 3, "o": 2}, {"s": 3, "o": 5}]}', "job 1: s + o = 3 + 5"),
    ('{"M": 6, "jobs": []}', "empty instance"),
    ('{"M": 6, "jobs": [{"s": "3", "o": 2}]}', "job 0: s = '3' is not an integer"),
])
def test_bad_json(tmp_path, text, needle):
    p = tmp_path / "bad.json"
    p.write_text(text)
    with pytest.raises((InputFormatError, InvalidInstanceError)) as e:
        load_instance(p)
    assert needle in str(e.value)
    assert str(p) in str(e.value)


@pytest.mark.parametrize("text, needle", [
    ("s,o\n1,2\n3,x\n", ":3: column 'o': 'x' is not an integer"),
    ("s,o,z\n1,2,3\n", ":1: header must have columns s,o; unknown column(s) ['z']"),
    ("s\n1\n", "missing column(s) ['o']"),
    ("s,o\n1,2\n30,2\n", ":3: job 1: s + o = 30 + 2 = 32 exceeds memory M = 20"),
    ("s,o\n", "empty instance"),
    ("s,o\n1,2,3\n", ":2: expected 2 fields, found 3"),
    ("", "empty file"),
])
def test_bad_csv(tmp_path, text, needle):
    p = tmp_path / "bad.csv"
    p.write_text(text)
    with pytest.raises((InputFormatError, InvalidInstanceError)) as e:
        load_instance(p, memory=20)
    assert needle in str(e.value)


def test_unreadable_file(tmp_path):
    with pytest.raises(InputFormatError, match="cannot read file"):
        load_instance(tmp_path / "nope.json")


def test_csv_needs_memory(tmp_path):
    p = tmp_path / "a.csv"
    p.write_text("s,o\n1,2\n")
    with pytest.raises(InputFormatError, match="memory budget is needed"):
        load_instance(p)


def test_azure_trace_loading_and_sampling(trace_path):
    full = load_azure_trace(trace_path, 65536)
    assert full.n == 19366
    assert int(full.s.max()) == 14050 and int(full.o.max()) == 1000 and int(full.o.min()) == 7
    first = load_instance(trace_path, 65536, limit=100)
    assert first.n == 100 and np.array_equal(first.s, full.s[:100])
    a = load_instance(trace_path, 65536, sample=50, seed=3)
    b = load_instance(trace_path, 65536, sample=50, seed=3)
    c = load_instance(trace_path, 65536, sample=50, seed=4)
    assert a == b and a != c and a.n == 50


def test_azure_trace_oversized_named_or_dropped(trace_path):
    with pytest.raises(InvalidInstanceError, match=r"AzureLLMInferenceTrace_conv.csv:\d+: job \d+"):
        load_instance(trace_path, 4096)
    inst = load_instance(trace_path, 4096, drop_oversized=True)
    assert 0 < inst.n < 19366 and int((inst.s + inst.o).max()) <= 4096
