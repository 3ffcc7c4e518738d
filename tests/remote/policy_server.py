#!/usr/bin/python3
"""An openpi-style policy server for gauntlet's tests, serving the probe policy.

It speaks openpi's websocket protocol (our own implementation of the wire
format described in policies/remote/msgpack_numpy.h and openpi_connection.h):
binary msgpack frames with NumPy arrays as tagged maps, the metadata map as the
first frame of every connection, then one reply per observation; on an
exception the traceback goes out as a text frame and the connection is closed.
`GET /healthz` answers 200 OK.

Observations use the `libero` preset's keys (observation/image,
observation/wrist_image, observation/state = eef_pos + eef_axis_angle +
gripper_qpos, prompt); the reply is {"actions": float64 (chunk, 7),
"server_timing": {"infer_ms": ...}} computed by probe_actions, the probe
policy's NumPy twin, so a run through this server must reproduce a run of
`--policy probe` exactly. With --family playtable it serves the probe's
playtable variant instead: the same wire keys with the play table's cameras
and state (playtable_keymap.json: observation/image = static,
observation/wrist_image = gripper, observation/state = eef_pos + robot_obs),
and its metadata declares CALVIN's action conventions and images of any
size, upright; a run through it reproduces `--policy probe --policy-opt
family=playtable`.

It binds 127.0.0.1 on a free port and prints the port on stdout (one line).

  --chunk H                actions per reply (default 4)
  --family F               tabletop (default) or playtable: the probe variant served
  --extended               advertise gauntlet's extended protocol
                           ({"gauntlet_protocol": 1} in the metadata) and answer
                           episode_start / episode_end messages with {"ok": true}
  --protocol N             the extended protocol's version advertised (implies
                           --extended; default 1). From version 2 on, episodes
                           are told apart by their "episode_id", whatever
                           connection their messages arrive on
  --batch MAX              advertise the batch extension ({"gauntlet_batch": MAX})
                           and answer batched requests, at most MAX observations
                           each (policies/remote/batch_messages.h)
  --latency-ms L           wait L ms before answering each request (a bare
                           observation or a whole batch), without blocking
                           other connections: a model's inference time
  --record FILE            append each episode message received, as a JSON line
                           {"type", "episode", "episode_id", "requests", "observed",
                           "connection"} ("observed": observations the server got
                           for that episode: on that connection since its start in
                           version 1, under its id from version 2 on)
  --requests FILE          append a JSON line per request answered:
                           {"connection", "size" (observations), "episode_ids"}
  --api-key KEY            refuse the handshake (HTTP 401) without
                           `Authorization: Api-Key KEY`
  --fault KIND_at=N        misbehave at the N-th observation (counted over the
                           server's life, from 1), once; repeatable. KIND:
                           text_error (raise: traceback text frame, then close),
                           close (close without replying), hang (never reply),
                           slow (reply after 2 s),
                           garbage (a binary frame that is not msgpack),
                           wrong_shape (actions (chunk, 6)), wrong_dtype (int64
                           actions), missing_actions (no "actions" key),
                           oversize (a 3 MB reply), exit (the process exits),
                           item_error (in a batch: {"error": ...} for that item
                           alone; elsewhere as text_error).
                           In a batch, wrong_shape, wrong_dtype and
                           missing_actions spoil the faulty item's result only;
                           the other kinds affect the whole request.
"""

import argparse
import asyncio
import http
import json
import os
import sys
import time
import traceback

import msgpack
import numpy as np
import websockets

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "python"))
from gauntlet_policies.probe import playtable_probe_actions, probe_actions  # noqa: E402

FAULT_KINDS = ("text_error", "close", "hang", "slow", "garbage", "wrong_shape", "wrong_dtype", "missing_actions",
               "oversize", "exit", "item_error")
# The faults that spoil one answer; the others spoil the whole request.
ITEM_FAULTS = ("wrong_shape", "wrong_dtype", "missing_actions", "item_error")


# --- the tagged-ndarray codec -------------------------------------------------

def encode_numpy(value):
    """msgpack `default` hook: NumPy arrays and scalars as tagged maps."""
    if isinstance(value, (np.ndarray, np.generic)) and value.dtype.kind in "VOc":
        raise ValueError(f"refusing to send dtype {value.dtype}")
    if isinstance(value, np.ndarray):
        return {b"__ndarray__": True, b"data": value.tobytes(), b"dtype": value.dtype.str,
                b"shape": list(value.shape)}
    if isinstance(value, np.generic):
        return {b"__npgeneric__": True, b"data": value.item(), b"dtype": value.dtype.str}
    return value


def decode_numpy(mapping):
    """msgpack `object_hook`: tagged maps back into NumPy values."""
    if b"__ndarray__" in mapping:
        dtype = np.dtype(mapping[b"dtype"])
        if dtype.kind in "VOc":
            raise ValueError(f"refusing to decode dtype {dtype}")
        return np.ndarray(buffer=mapping[b"data"], dtype=dtype, shape=tuple(mapping[b"shape"]))
    if b"__npgeneric__" in mapping:
        return np.dtype(mapping[b"dtype"]).type(mapping[b"data"])
    return mapping


def pack(value):
    return msgpack.packb(value, default=encode_numpy, use_bin_type=True)


def unpack(data):
    return msgpack.unpackb(data, object_hook=decode_numpy, raw=False)


# --- the server ---------------------------------------------------------------

class ProbeServer:
    def __init__(self, args):
        self.chunk = args.chunk
        self.family = args.family
        self.protocol = args.protocol or (1 if args.extended else 0)
        self.extended = self.protocol > 0
        self.batch = args.batch
        self.latency_s = args.latency_ms / 1000.0
        self.record = args.record
        self.requests_log = args.requests
        self.api_key = args.api_key
        self.faults = {}
        for item in args.fault:
            kind, _, at = item.partition("_at=")
            if kind not in FAULT_KINDS or not at.isdigit():
                raise SystemExit(f"--fault {item}: expected KIND_at=N with KIND in {', '.join(FAULT_KINDS)}")
            self.faults[int(at)] = kind
        self.requests = 0
        self.connections = 0
        self.observed = {}  # version >= 2: observations per episode id since its start
        self.metadata = {
            "policy": "probe",
            "chunk": self.chunk,
            "action_dim": 7,
            "action_bounds": np.array([[-1.0] * 7, [1.0] * 7], dtype=np.float32),
        }
        if self.family == "playtable":
            self.metadata.update({"gripper": "+1open/-1close", "rotation": "euler_xyz", "image_size": 0,
                                  "orientation": "upright"})
        if self.extended:
            self.metadata["gauntlet_protocol"] = self.protocol
        if self.batch:
            self.metadata["gauntlet_batch"] = self.batch

    def process_request(self, path, headers):
        if path == "/healthz":
            return http.HTTPStatus.OK, [], b"OK\n"
        if self.api_key and headers.get("Authorization") != f"Api-Key {self.api_key}":
            return http.HTTPStatus.UNAUTHORIZED, [], b"missing or wrong api key\n"
        return None

    def infer(self, obs):
        state = np.asarray(obs["observation/state"], dtype=np.float64)
        if self.family == "playtable":
            actions = playtable_probe_actions(obs["observation/image"], obs["observation/wrist_image"], state[0:3],
                                              state[3:18], obs["prompt"], self.chunk)
        else:
            actions = probe_actions(obs["observation/image"], obs["observation/wrist_image"], state[0:3],
                                    state[3:6], state[6:8], obs["prompt"], self.chunk)
        return {"actions": actions}

    def answer(self, obs, fault, number):
        """One observation's result, spoilt by an item fault."""
        if fault == "item_error":
            return {"error": f"injected item error at request {number}"}
        start = time.monotonic()
        reply = self.infer(obs)
        if fault == "wrong_shape":
            reply["actions"] = reply["actions"][:, :6]
        elif fault == "wrong_dtype":
            reply["actions"] = reply["actions"].astype(np.int64)
        elif fault == "missing_actions":
            reply = {"action": reply["actions"]}
        reply["server_timing"] = {"infer_ms": (time.monotonic() - start) * 1000.0}
        return reply

    def write_line(self, path, entry):
        if path:
            with open(path, "a", encoding="utf-8") as out:
                out.write(json.dumps(entry) + "\n")

    async def handle(self, ws):
        self.connections += 1
        connection = self.connections
        observed = 0  # version 1: observations on this connection since its episode's start
        await ws.send(pack(self.metadata))
        try:
            async for message in ws:
                try:
                    request = unpack(message)
                    kind = request.get("gauntlet_message") if isinstance(request, dict) else None
                    if self.extended and kind in ("episode_start", "episode_end"):
                        episode_id = request.get("episode_id")
                        if kind == "episode_start":
                            observed = 0
                            if episode_id is not None:
                                self.observed[episode_id] = 0
                        count = observed if episode_id is None else self.observed.get(episode_id, 0)
                        self.write_line(self.record, {
                            "type": kind, "episode": request.get("episode"), "episode_id": episode_id,
                            "requests": request.get("requests"), "observed": count,
                            "protocol": request.get("protocol"), "connection": connection})
                        await ws.send(pack({"ok": True}))
                        continue
                    if self.batch and kind == "batch":
                        items = request["items"]
                        if not 1 <= len(items) <= self.batch:
                            raise ValueError(f"a batch of {len(items)} observations; at most {self.batch} taken")
                        observations = [item["observation"] for item in items]
                        ids = [item["episode_id"] for item in items]
                    else:
                        episode_id = request.pop("gauntlet_episode_id", None) if isinstance(request, dict) else None
                        observations, ids = [request], [episode_id]
                    first = self.requests + 1
                    self.requests += len(observations)
                    observed += len(observations)
                    for episode_id in ids:
                        if episode_id is not None:
                            self.observed[episode_id] = self.observed.get(episode_id, 0) + 1
                    faults = [self.faults.pop(first + i, None) for i in range(len(observations))]
                    whole = [(first + i, f) for i, f in enumerate(faults)
                             if f and (f not in ITEM_FAULTS or (kind != "batch" and f == "item_error"))]
                    fault, number = (whole[0][1], whole[0][0]) if whole else (None, 0)
                    if fault in ("text_error", "item_error"):
                        raise RuntimeError(f"injected fault at request {number}")
                    if fault == "close":
                        await ws.close(code=1000, reason="injected close")
                        return
                    if fault == "hang":
                        await asyncio.sleep(3600)
                        return
                    if fault == "exit":
                        os._exit(3)
                    if self.latency_s > 0:
                        await asyncio.sleep(self.latency_s)
                    if fault == "slow":
                        await asyncio.sleep(2.0)
                    if fault == "garbage":
                        await ws.send(b"\xc1 this is not msgpack")
                        continue
                    start = time.monotonic()
                    results = [self.answer(obs, f if f in ITEM_FAULTS else None, first + i)
                               for i, (obs, f) in enumerate(zip(observations, faults))]
                    reply = {"results": results} if kind == "batch" else results[0]
                    if kind == "batch":
                        reply["server_timing"] = {"infer_ms": (time.monotonic() - start) * 1000.0}
                    if fault == "oversize":
                        reply["padding"] = np.zeros(3 << 20, dtype=np.uint8)
                    self.write_line(self.requests_log, {"connection": connection, "size": len(observations),
                                                        "episode_ids": ids})
                    await ws.send(pack(reply))
                except websockets.ConnectionClosed:
                    raise
                except Exception:
                    await ws.send(traceback.format_exc())
                    await ws.close(code=1011, reason="internal error")
                    return
        except websockets.ConnectionClosed:
            pass


async def main(args):
    server = ProbeServer(args)
    async with websockets.serve(server.handle, "127.0.0.1", 0, process_request=server.process_request,
                                max_size=None, compression=None) as ws_server:
        print(ws_server.sockets[0].getsockname()[1], flush=True)
        await asyncio.Future()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--chunk", type=int, default=4)
    parser.add_argument("--family", choices=("tabletop", "playtable"), default="tabletop")
    parser.add_argument("--extended", action="store_true")
    parser.add_argument("--protocol", type=int, default=0)
    parser.add_argument("--batch", type=int, default=0)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--record", default="")
    parser.add_argument("--requests", default="")
    parser.add_argument("--api-key", default="")
    parser.add_argument("--fault", action="append", default=[])
    try:
        asyncio.run(main(parser.parse_args()))
    except KeyboardInterrupt:
        pass
