// gauntlet's optional extension of openpi's protocol: explicit episode
// boundaries (openpi's client never tells a server where an episode starts;
// vla-eval and RoboArena do). Negotiated, never required:
//
//   A server that speaks it says so in its metadata frame:
//     {"gauntlet_protocol": VERSION, ...}
//   and a client that also does (option extended=auto) speaks
//   min(VERSION, 2). It sends, in the same strict alternation as observations,
//     {"gauntlet_message": "episode_start", "protocol": V, "episode": EPISODE}
//   before the episode's first observation and
//     {"gauntlet_message": "episode_end", "protocol": V, "episode": EPISODE, "requests": N}
//   after its last reply, where EPISODE =
//     {"suite": str, "instruction": str, "embodiment": str, "init_state": int,
//      "seed": uint64 (derived from the episode key),
//      "task": str, "task_index": int   (only when the policy declares task_id=true)}
//   and N counts the observations answered in the episode. The server answers
//   each with one binary frame (any map, e.g. {"ok": true}); a text frame is
//   its error.
//
//   Version 1: a connection carries one episode at a time; its observations
//   are unchanged, and the episode is the one last started on that
//   connection. An episode_end goes only over the connection that carried
//   the episode's start (after a dropped connection the new one has no
//   episode to end).
//   Version 2: episodes of one client share its connections (a pool: any
//   message may go over any of them, several episodes are in progress at
//   once). Every episode message then also holds "episode_id": str, unique
//   among the client's episodes (a random client token and a counter), and
//   every observation carries its episode's id under the top-level key
//   "gauntlet_episode_id" (the server drops it before its model sees the
//   observation). In an instruction chain each subtask is started again under
//   the same id.
//
// A plain openpi server never sees these messages. Batched requests
// (batch_messages.h) are a separate extension, with their own negotiation.
#pragma once

#include <msgpack.hpp>
#include <string>

#include "harness/episode.h"
#include "policies/remote/msgpack_numpy.h"

namespace gauntlet::policies::remote {

constexpr int kExtendedProtocolVersion = 2;
constexpr const char* kExtendedProtocolKey = "gauntlet_protocol";
// The observation key of an episode's id (version 2).
constexpr const char* kEpisodeIdKey = "gauntlet_episode_id";

// The version both sides speak: min(ours, the server's) when the metadata
// advertises an integer >= 1, else 0 (plain openpi).
int NegotiateExtendedProtocol(const msgpack::object& metadata);

// `episode_id` is written from version 2 on.
void PackEpisodeStart(const EpisodeContext& context, int version, const std::string& episode_id, Packer& packer);
void PackEpisodeEnd(const EpisodeContext& context, int version, const std::string& episode_id, int requests,
                    Packer& packer);

}  // namespace gauntlet::policies::remote
