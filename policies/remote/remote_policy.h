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
//
// The server is connected to when the policy is made (to read its metadata),
// and again after any failure, at the next episode or request. Every failure
// is a PolicyError (or PolicyTimeout) naming the URL; the connection is then
// dropped. At each episode's end a PolicyTiming event reports the
// episode's request latencies (request_timing.h).
#pragma once

#include <memory>
#include <string>

#include "harness/policy.h"
#include "policies/policy_options.h"

namespace gauntlet::policies {

Result<std::unique_ptr<Policy>> MakeRemotePolicy(const std::string& url, PolicyOptions options);

}  // namespace gauntlet::policies
