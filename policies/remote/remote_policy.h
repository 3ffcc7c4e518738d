// `remote:ws://HOST:PORT`: a policy served over openpi's websocket protocol
// (openpi_connection.h), e.g. `uv run scripts/serve_policy.py` in openpi.
// README.md "Remote policies" has the full description.
//
// Settings (--policy-opt key=value):
//   preset=libero|droid|aloha   wire keys and defaults (observation_keys.h); default libero
//   keymap=FILE.json            wire keys from a file instead of the preset's
//   the declared spec's keys (harness/declared_policy_spec.h), over what the
//   server's metadata declares (server_spec.h) and the remote defaults:
//   image_size=N      image side the server expects; default 224; 0 = any
//   orientation=upright|rotated180   default rotated180 for libero (openpi's LIBERO
//                     models were trained on 180-degree-turned frames), else upright
//   action_dim=N (7)  chunk=H (0: not fixed; else every reply must hold H actions)
//   task_id=false     declare that the task's identity is needed (sent in episode_start)
//   action_kind, action_low, action_high, gripper, rotation, normalized as for
//   any policy; cameras and state_keys are the key map's (repeating them is allowed)
//   timeout_s=30      per request; a late reply ends the episode as `timeout`
//   connect_timeout_s=10  connect_retries=3  max_message_mb=64
//   api_key=KEY       sent as `Authorization: Api-Key KEY` (recorded only as "(set)")
//   extended=auto|off episode start/end messages when the server offers them
//                     (episode_messages.h)
//   batch=auto|off    several episodes' observations per request when the
//                     server offers it (batch_messages.h)
//   concurrency=C (1) connections to the server, and requests in progress at once
//
// One instance serves every episode of a run (Policy::batches), one session
// per episode, over a pool of up to C connections (connection_pool.h): each
// act_batch call borrows one connection and sends either one request per
// observation (a plain openpi server: max_batch() is 1) or one batched
// request for all of them (a server that offers gauntlet_batch: max_batch()
// is its MAX). A server that speaks version 1 of the episode framing ties an
// episode to its connection: it is served as before pooling, one instance
// (and connection) per episode slot (batches() is false).
//
// The server is connected to when the policy is made (to read its metadata),
// and again after any failure, at the next episode or request. Every failure
// is a PolicyError (or PolicyTimeout) naming the URL. A failed exchange drops
// its connection and fails every query of that call; an error the server
// reports for one item of a batch fails that query alone. At each episode's
// end a PolicyTiming event reports the episode's request latencies
// (request_timing.h): a batched request's round trip counts for each of its
// observations.
#pragma once

#include <memory>
#include <string>

#include "harness/policy.h"
#include "policies/policy_options.h"

namespace gauntlet::policies {

Result<std::unique_ptr<Policy>> MakeRemotePolicy(const std::string& url, PolicyOptions options);

}  // namespace gauntlet::policies
