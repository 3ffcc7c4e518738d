"""A Python policy's spec dict is read by the same schema as a TorchScript
module's metadata() and a server's metadata frame: the example declaration
(tests/harness/declared_spec_example.json, checked for the other sources by
declared_policy_spec_test.cc and server_spec_test.cc) is recorded as the same
printed spec."""

import json
import os

import numpy as np

import gauntlet

from gauntlet_test_support import SUITE, policy_row


def example():
    path = os.path.join(os.environ["GAUNTLET_SOURCE_DIR"], "tests", "harness", "declared_spec_example.json")
    with open(path, encoding="utf-8") as f:
        return json.load(f)


class Declaring:
    """Declares the example as Python values (a tuple, NumPy numbers) and stops at once."""

    def __init__(self, declared):
        self.spec = declared

    def reset(self, context):
        pass

    def act(self, obs):
        raise RuntimeError("declared")


def test_the_python_spec_is_read_as_every_other_source_reads_it(tmp_path):
    declared = dict(example()["json"])
    declared["image_size"] = tuple(declared["image_size"])
    declared["action_low"] = np.array(declared["action_low"], dtype=np.float64)
    declared["action_dim"] = np.int64(declared["action_dim"])
    db = str(tmp_path / "spec.db")
    code = gauntlet.run(SUITE, Declaring(declared), db=db, tasks=0, trials=1, quiet=True, run_name="declared",
                        adapters=["resize_pad"])
    assert code == 0
    assert json.loads(policy_row(db, "declared")["spec_json"]) == example()["printed"]
