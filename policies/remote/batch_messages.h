// gauntlet's batch extension of openpi's protocol: several episodes'
// observations in one request, answered by one reply (one forward pass on
// the server). Negotiated, never required, and independent of the episode
// framing of episode_messages.h:
//
//   A server that takes batches says so in its metadata frame:
//     {"gauntlet_batch": MAX, ...}        MAX >= 1: the most observations per request
//   and a client that also does (option batch=auto) then sends, instead of a
//   bare observation,
//     {"gauntlet_message": "batch", "protocol": V, "items": [ITEM, ...]}
//   with 1..MAX items, ITEM = {"episode_id": str, "observation": OBSERVATION};
//   V is the episode framing version spoken (0: none) and OBSERVATION is what
//   the client would otherwise send alone. The server replies with one
//   binary frame
//     {"results": [RESULT, ...], "server_timing": {"infer_ms": float}}   (server_timing optional)
//   holding one RESULT per item, in the items' order:
//     {"actions": ndarray (H, D), "server_timing": {"infer_ms": float}}  (as openpi's reply), or
//     {"error": str}                      that item alone could not be answered.
//   A text frame is the error of the whole request, as in openpi.
//
// An item's error, or a malformed RESULT, fails that item's query only; a
// reply that is not such a map, or holds the wrong number of results, fails
// every query of the request.
#pragma once

#include <msgpack.hpp>
#include <string>
#include <vector>

#include "harness/result.h"
#include "policies/remote/msgpack_numpy.h"

namespace gauntlet::policies::remote {

constexpr const char* kBatchKey = "gauntlet_batch";

// The most observations per request the server takes; 0 when it does not
// offer the extension (or offers something other than an integer >= 1).
int NegotiateBatch(const msgpack::object& metadata);

// The request's head, for `items` items to follow.
void PackBatchHeader(int version, int items, Packer& packer);
// One item: `observation` is a whole packed observation map, appended as is.
void PackBatchItem(const std::string& episode_id, const msgpack::sbuffer& observation, Packer& packer,
                   msgpack::sbuffer& out);

// The RESULT maps of a reply that should hold `items` of them.
Result<std::vector<const msgpack::object*>> BatchResults(const msgpack::object& reply, size_t items);

}  // namespace gauntlet::policies::remote
