// gauntlet's optional extension of openpi's protocol: explicit episode
// boundaries (openpi's client never tells a server where an episode starts;
// vla-eval and RoboArena do). Negotiated, never required:
//
//   A server that speaks it says so in its metadata frame:
//     {"gauntlet_protocol": 1, ...}
//   and a client that also does (option extended=auto) then sends, on the same
//   connection and in the same strict alternation as observations,
//     {"gauntlet_message": "episode_start", "protocol": 1, "episode": EPISODE}
//   before the episode's first observation and
//     {"gauntlet_message": "episode_end", "protocol": 1, "episode": EPISODE, "requests": N}
//   after its last reply, where EPISODE =
//     {"suite": str, "instruction": str, "embodiment": str, "init_state": int,
//      "seed": uint64 (derived from the episode key),
//      "task": str, "task_index": int   (only when the policy declares task_id=true)}
//   and N counts the observations sent in the episode. The server answers each
//   with one binary frame (any map, e.g. {"ok": true}); a text frame is its
//   error. Observations themselves are unchanged.
//
// A plain openpi server never sees these messages. An episode_end goes only
// over the connection that carried the episode's start (after a dropped
// connection the new one has no episode to end).
#pragma once

#include <msgpack.hpp>

#include "harness/episode.h"
#include "policies/remote/msgpack_numpy.h"

namespace gauntlet::policies::remote {

constexpr int kExtendedProtocolVersion = 1;
constexpr const char* kExtendedProtocolKey = "gauntlet_protocol";

// The version both sides speak: min(ours, the server's) when the metadata
// advertises an integer >= 1, else 0 (plain openpi).
int NegotiateExtendedProtocol(const msgpack::object& metadata);

void PackEpisodeStart(const EpisodeContext& context, int version, Packer& packer);
void PackEpisodeEnd(const EpisodeContext& context, int version, int requests, Packer& packer);

}  // namespace gauntlet::policies::remote
